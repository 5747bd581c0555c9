using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Dwf.Benchmarks.Experiments;
using Dwf.Benchmarks.TargetCompression;
using Dwf.Serialization;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>target-report</c>: how the runs with a target compression ratio (method dwftarget) did: the final ratio against the
/// target (±10 %), and the accuracy against the fixed-λ front of the same depth and budget at that ratio. Writes
/// report.md and accuracy-vs-compression.png next to the target runs.
/// </summary>
internal static class TargetReportVerb
{
    public static Command Create()
    {
        var net = CommonOptions.Net();
        var dataset = CommonOptions.Dataset();
        var targets = new Option<string?>("--targets-dir") { Description = "Directory with the target runs' runs.csv (default: docs/results/target-compression/<net>-<dataset>)." };
        var fronts = new Option<string?>("--front-dir") { Description = "Directory with the fixed-λ runs' runs.csv (default: docs/results/stable-defaults/<net>-<dataset>)." };
        var command = new Command("target-report", "Target runs against their targets and against the fixed-λ front (table and plot).") { net, dataset, targets, fronts };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            string pair = $"{result.GetValue(net)}-{result.GetValue(dataset)}";
            string targetDirectory = result.GetValue(targets) ?? Path.Combine("docs", "results", "target-compression", pair);
            string frontDirectory = result.GetValue(fronts) ?? Path.Combine("docs", "results", "stable-defaults", pair);
            var targetRuns = RunStore.Open(Path.Combine(targetDirectory, "runs.csv")).Results.Where(r => r.Spec.Method == Method.DwfTarget).ToList();
            var fixedRuns = RunStore.Open(Path.Combine(frontDirectory, "runs.csv")).Results;
            if (targetRuns.Count == 0)
            {
                throw new InvalidOperationException($"{targetDirectory}/runs.csv has no target runs (method DwfTarget) yet.");
            }

            string command = CommonOptions.CommandLine("target-report", ("--net", result.GetValue(net)), ("--dataset", result.GetValue(dataset)), ("--targets-dir", result.GetValue(targets)), ("--front-dir", result.GetValue(fronts)));
            string markdown = Report(pair, targetRuns, fixedRuns, command);
            StateDictFile.AtomicWrite(Path.Combine(targetDirectory, "report.md"), w => w.Write(Encoding.UTF8.GetBytes(markdown)));
            var aggregated = Summary.Aggregate(targetRuns.Concat(fixedRuns.Where(r => r.Spec.Method is Method.Dwf or Method.Dense)));
            ResultPlot.Save(Path.Combine(targetDirectory, "accuracy-vs-compression.png"), $"{pair}: target runs and fixed-λ fronts", aggregated);
            Console.WriteLine(markdown);
        }));
        return command;
    }

    private static string Report(string pair, System.Collections.Generic.IReadOnlyList<RunResult> targetRuns, System.Collections.Generic.IReadOnlyList<RunResult> fixedRuns, string command)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# Target compression: {pair}").AppendLine();
        md.AppendLine("```bash").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine("Each target run against its target (reached when the final ratio at the exact threshold 1.19e-7 is within ±10 %) and against the fixed-λ front of the same depth and budget (its upper envelope, mean accuracy over seeds, interpolated on log CR; the bar is 0.3 points).").AppendLine();
        md.AppendLine("| D | target | seed | epochs | final CR | vs target | accuracy | front at that CR | vs front | reached | within 0.3 of the front |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var run in targetRuns.OrderBy(r => r.Spec.Depth).ThenBy(r => r.Spec.TargetRatio).ThenBy(r => r.Spec.Seed))
        {
            var front = FixedLambdaFront.Of(fixedRuns, run.Spec.Depth, run.Spec.Epochs);
            double deviation = (run.CompressionRatio / run.Spec.TargetRatio) - 1;
            double? frontAccuracy = double.IsNaN(run.TestAccuracy) ? null : front.AccuracyAt(run.CompressionRatio);
            string gap = frontAccuracy is double f ? string.Create(c, $"{Math.Round((run.TestAccuracy - f) * 100, 2):+0.00;-0.00;0.00}") : "outside the front";
            string within = frontAccuracy is double g ? (run.TestAccuracy >= g - 0.003 ? "yes" : "no") : "—";
            md.AppendLine(c, $"| {run.Spec.Depth} | {run.Spec.TargetRatio:G4} | {run.Spec.Seed} | {run.Spec.Epochs} | {SparsityReport.FormatRatio(run.CompressionRatio)} | {Math.Round(deviation * 100, 1):+0.0;-0.0;0.0} % | {run.TestAccuracy * 100:F2} % | {(frontAccuracy is double h ? string.Create(c, $"{h * 100:F2} %") : "—")} | {gap} | {(Math.Abs(deviation) <= 0.10 ? "yes" : "no")} | {within} |");
        }

        md.AppendLine().AppendLine("The fixed-λ fronts used (per depth: λ, seeds, mean accuracy, geometric-mean CR):").AppendLine();
        foreach (var depth in targetRuns.Select(r => r.Spec.Depth).Distinct().OrderBy(d => d))
        {
            foreach (var epochs in targetRuns.Where(r => r.Spec.Depth == depth).Select(r => r.Spec.Epochs).Distinct())
            {
                var front = FixedLambdaFront.Of(fixedRuns, depth, epochs);
                string points = string.Join("; ", front.Points.Select(p => string.Create(c, $"λ {p.Spec.Lambda:G3} ({p.Seeds} seed{(p.Seeds == 1 ? "" : "s")}): {p.MeanAccuracy * 100:F2} % at CR {SparsityReport.FormatRatio(p.MeanRatio)}")));
                md.AppendLine(c, $"- D = {depth}, {epochs} epochs: {points}");
            }
        }

        return md.ToString();
    }
}
