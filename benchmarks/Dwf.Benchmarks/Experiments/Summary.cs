using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Dwf.Benchmarks.Experiments;

/// <summary>One configuration aggregated over seeds.</summary>
/// <param name="Series">Plot/table series: "dense", "DWF D=3", "L1", "magnitude", "SNIP", …</param>
/// <param name="Spec">The first seed's spec (seed aside, all seeds share it).</param>
/// <param name="Seeds">Number of seeds.</param>
/// <param name="MeanAccuracy">Mean test accuracy in [0, 1].</param>
/// <param name="AccuracySpread">Half the max−min range of accuracy over seeds.</param>
/// <param name="MeanRatio">Geometric mean of the compression ratios (∞ if any seed pruned everything).</param>
/// <param name="MinRatio">Smallest ratio over seeds.</param>
/// <param name="MaxRatio">Largest ratio over seeds.</param>
/// <param name="CollapsedLayers">Layers that some seed pruned away entirely (ratio ∞).</param>
public sealed record AggregatedRun(string Series, RunSpec Spec, int Seeds, double MeanAccuracy, double AccuracySpread, double MeanRatio, double MinRatio, double MaxRatio, IReadOnlyList<string> CollapsedLayers);

/// <summary>Aggregates results over seeds and writes the summary tables.</summary>
public static class Summary
{
    /// <summary>The series a run belongs to (DWF split by depth).</summary>
    public static string SeriesOf(RunSpec spec) => spec.Method switch
    {
        Method.Dense => "dense",
        Method.Dwf => $"DWF D={spec.Depth.ToString(CultureInfo.InvariantCulture)}",
        Method.DwfTarget => $"DWF D={spec.Depth.ToString(CultureInfo.InvariantCulture)} target",
        Method.DwfTune => $"DWF D={spec.Depth.ToString(CultureInfo.InvariantCulture)} target + fine-tune",
        Method.L1 => "L1 (SGD)",
        Method.Magnitude => "magnitude (no fine-tuning)",
        Method.Random => "random at init",
        Method.Snip => "SNIP",
        Method.SynFlow => "SynFlow",
        Method.Grasp => "GraSP",
        Method.Gmp => "GMP (gradual magnitude)",
        Method.GmpLayer => "GMP per layer",
        _ => spec.Method.ToString(),
    };

    /// <summary>Groups runs that differ only by seed; diverged runs (NaN) are left out (see <see cref="Diverged"/>).</summary>
    public static IReadOnlyList<AggregatedRun> Aggregate(IEnumerable<RunResult> results) =>
        results
            .Where(r => !double.IsNaN(r.TestAccuracy))
            .GroupBy(r => r.Spec.ConfigurationKey)
            .Select(g =>
            {
                var runs = g.OrderBy(r => r.Spec.Seed).ToList();
                var ratios = runs.Select(r => r.CompressionRatio).ToList();
                double meanRatio = ratios.Any(double.IsPositiveInfinity)
                    ? double.PositiveInfinity
                    : Math.Exp(ratios.Average(Math.Log));
                var collapsed = runs.SelectMany(r => r.LayerRatios.Where(l => double.IsPositiveInfinity(l.Ratio)).Select(l => l.Layer)).Distinct().ToList();
                var accuracies = runs.Select(r => r.TestAccuracy).ToList();
                return new AggregatedRun(
                    SeriesOf(runs[0].Spec),
                    runs[0].Spec,
                    runs.Count,
                    accuracies.Average(),
                    (accuracies.Max() - accuracies.Min()) / 2,
                    meanRatio,
                    ratios.Min(),
                    ratios.Max(),
                    collapsed);
            })
            .OrderBy(a => a.Series, StringComparer.Ordinal)
            .ThenBy(a => a.MeanRatio)
            .ToList();

    /// <summary>Runs whose training diverged (stopped by the NaN guard).</summary>
    public static IReadOnlyList<RunSpec> Diverged(IEnumerable<RunResult> results) =>
        results.Where(r => double.IsNaN(r.TestAccuracy)).Select(r => r.Spec).ToList();

    /// <summary>Mean accuracy of the dense reference (the best dense configuration).</summary>
    public static double DenseAccuracy(IReadOnlyList<AggregatedRun> runs) =>
        runs.Where(r => r.Spec.Method == Method.Dense).Select(r => r.MeanAccuracy).DefaultIfEmpty(double.NaN).Max();

    /// <summary>
    /// For each series, the largest mean compression ratio among configurations whose mean accuracy is
    /// within <paramref name="points"/> accuracy points of dense (and the configuration that achieved it).
    /// </summary>
    public static IReadOnlyList<(string Series, AggregatedRun? Best)> LargestRatioWithin(IReadOnlyList<AggregatedRun> runs, double points)
    {
        double dense = DenseAccuracy(runs);
        return runs
            .Where(r => r.Spec.Method != Method.Dense)
            .GroupBy(r => r.Series)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Where(r => r.MeanAccuracy >= dense - points / 100).OrderByDescending(r => r.MeanRatio).FirstOrDefault()))
            .ToList();
    }

    /// <summary>Fraction of a minimum compression ratio that still counts as reaching it (see <see cref="BestAccuracyAtLeast"/>).</summary>
    public const double RatioTolerance = 0.99;

    /// <summary>
    /// For each series, the configuration with the highest mean accuracy among those whose mean compression
    /// ratio is at least <paramref name="minimumRatio"/>: the comparison at high compression, where the
    /// paper claims DWF with D ≥ 3 beats every baseline. A ratio 1 % short of the minimum counts: pruning to a
    /// target ratio keeps a whole number of weights, so a run aimed at CR 500 lands at 499.4 on LeNet-300-100.
    /// </summary>
    public static IReadOnlyList<(string Series, AggregatedRun? Best)> BestAccuracyAtLeast(IReadOnlyList<AggregatedRun> runs, double minimumRatio) =>
        runs
            .Where(r => r.Spec.Method != Method.Dense)
            .GroupBy(r => r.Series)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Where(r => r.MeanRatio >= minimumRatio * RatioTolerance).OrderByDescending(r => r.MeanAccuracy).FirstOrDefault()))
            .ToList();

    /// <summary>The markdown summary: setup, dense reference, best ratios within 1 and 5 points, best accuracy at CR ≥ 100 and ≥ 500, every configuration.</summary>
    public static string Markdown(string title, IReadOnlyList<AggregatedRun> runs, string command, string setup, IReadOnlyList<RunSpec>? diverged = null, IReadOnlyList<RunResult>? rolledBack = null)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# {title}").AppendLine();
        md.AppendLine("Produced by:").AppendLine().AppendLine("```bash").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine(setup).AppendLine();
        double dense = DenseAccuracy(runs);
        md.AppendLine(c, $"Dense reference accuracy: **{dense * 100:F2} %** (mean over seeds).").AppendLine();
        md.AppendLine("Compression ratio (CR) = prunable weights / non-zero weights, counting |W| < 1.19e-7 as zero after collapse or pruning. Ratios are geometric means over seeds; ± is half the range of accuracy over seeds.").AppendLine();
        foreach (var points in new[] { 1.0, 5.0 })
        {
            AppendBestPerMethod(
                md,
                string.Create(c, $"Largest compression ratio within {points:G} accuracy point{(points == 1 ? string.Empty : "s")} of dense"),
                note: null,
                LargestRatioWithin(runs, points),
                ratioFirst: true,
                string.Create(c, $"no configuration within {points:G} point(s)"));
        }

        foreach (var minimumRatio in new[] { 100.0, 500.0 })
        {
            AppendBestPerMethod(
                md,
                string.Create(c, $"Highest accuracy at a compression ratio of at least {minimumRatio:G}"),
                string.Create(c, $"(Ratios down to {minimumRatio * RatioTolerance:G} count: pruning to a target keeps a whole number of weights.)"),
                BestAccuracyAtLeast(runs, minimumRatio),
                ratioFirst: false,
                string.Create(c, $"no configuration reached CR {minimumRatio:G}"));
        }

        AppendTargetMatched(md, runs);

        md.AppendLine("## All configurations").AppendLine();
        md.AppendLine("| series | configuration | seeds | accuracy | CR (geo. mean) | CR range | layers pruned away |").AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var r in runs)
        {
            md.AppendLine(string.Create(c, $"| {r.Series} | {Describe(r.Spec)} | {r.Seeds} | {Accuracy(r)} | {SparsityReport.FormatRatio(r.MeanRatio)} | {SparsityReport.FormatRatio(r.MinRatio)}–{SparsityReport.FormatRatio(r.MaxRatio)} | {PrunedAway(r)} |"));
        }

        if (diverged is { Count: > 0 })
        {
            md.AppendLine().AppendLine("## Diverged runs (stopped by the NaN guard; not in the tables above)").AppendLine();
            foreach (var spec in diverged)
            {
                md.AppendLine(string.Create(c, $"- {SeriesOf(spec)}, {Describe(spec)}, seed {spec.Seed}"));
            }
        }

        if (rolledBack is { Count: > 0 })
        {
            md.AppendLine().AppendLine("## Runs rolled back after a NaN/∞ (effective-rate cap halved each time; in the tables above)").AppendLine();
            foreach (var run in rolledBack)
            {
                md.AppendLine(string.Create(c, $"- {SeriesOf(run.Spec)}, {Describe(run.Spec)}, seed {run.Spec.Seed}: {run.Recoveries} rollback(s)"));
            }
        }

        return md.ToString();
    }

    /// <summary>Runs that finished after at least one rollback (<see cref="Dwf.Training.DivergenceRecovery"/>).</summary>
    public static IReadOnlyList<RunResult> RolledBack(IEnumerable<RunResult> results) =>
        results.Where(r => r.Recoveries > 0 && !double.IsNaN(r.TestAccuracy)).ToList();

    /// <summary>
    /// The comparison at equal compression: every method that takes a target ratio (the pruning baselines by their
    /// mask, DWF with a steered λ), one row per target, mean accuracy over seeds and the ratio each actually reached.
    /// </summary>
    private static void AppendTargetMatched(StringBuilder md, IReadOnlyList<AggregatedRun> runs)
    {
        var targeted = runs.Where(r => r.Spec.TargetRatio > 0).ToList();
        if (!targeted.Any(r => r.Spec.Method is Method.DwfTarget or Method.DwfTune))
        {
            return;
        }

        var series = targeted.Select(r => r.Series).Distinct().OrderBy(s => s.StartsWith("DWF", StringComparison.Ordinal) ? 0 : 1).ThenBy(s => s, StringComparer.Ordinal).ToList();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine("## At equal compression: every method at the same target ratios").AppendLine();
        md.AppendLine("Mean test accuracy over seeds (± half the range) and, below it, the compression ratio the method actually reached (geometric mean). DWF reaches its target through the compression controller (λ steered during training); the pruning methods keep exactly ⌈total / target⌉ weights. The best accuracy of each row is in bold.").AppendLine();
        md.AppendLine("| target CR | " + string.Join(" | ", series) + " |");
        md.AppendLine("| ---: | " + string.Join(" | ", series.Select(_ => "---:")) + " |");
        foreach (var target in targeted.Select(r => r.Spec.TargetRatio).Distinct().OrderBy(t => t))
        {
            var cells = series.Select(s => targeted.FirstOrDefault(r => r.Series == s && r.Spec.TargetRatio == target)).ToList();
            double best = cells.Where(r => r is not null).Select(r => r!.MeanAccuracy).DefaultIfEmpty(double.NaN).Max();
            var text = cells.Select(r => r is null
                ? "—"
                : string.Create(c, $"{(r.MeanAccuracy == best ? "**" : string.Empty)}{r.MeanAccuracy * 100:F2}{(r.MeanAccuracy == best ? "**" : string.Empty)} ± {r.AccuracySpread * 100:F2} % ({r.Seeds} seed{(r.Seeds == 1 ? string.Empty : "s")}) <br> CR {SparsityReport.FormatRatio(r.MeanRatio)}"));
            md.AppendLine(string.Create(c, $"| {target:G4} | ") + string.Join(" | ", text) + " |");
        }

        md.AppendLine();
    }

    // One table with a row per method: its best configuration by some criterion, or why it has none.
    private static void AppendBestPerMethod(StringBuilder md, string heading, string? note, IReadOnlyList<(string Series, AggregatedRun? Best)> rows, bool ratioFirst, string missing)
    {
        md.AppendLine($"## {heading}").AppendLine();
        if (note is not null)
        {
            md.AppendLine(note).AppendLine();
        }

        md.AppendLine(ratioFirst ? "| method | CR | accuracy | configuration | layers pruned away |" : "| method | accuracy | CR | configuration | layers pruned away |")
            .AppendLine("| --- | ---: | ---: | --- | --- |");
        foreach (var (series, best) in rows)
        {
            if (best is null)
            {
                md.AppendLine($"| {series} | — | — | {missing} | |");
                continue;
            }

            string ratio = SparsityReport.FormatRatio(best.MeanRatio);
            string first = ratioFirst ? ratio : Accuracy(best);
            string second = ratioFirst ? Accuracy(best) : ratio;
            md.AppendLine($"| {series} | {first} | {second} | {Describe(best.Spec)} | {PrunedAway(best)} |");
        }

        md.AppendLine();
    }

    private static string Accuracy(AggregatedRun run) =>
        string.Create(CultureInfo.InvariantCulture, $"{run.MeanAccuracy * 100:F2} ± {run.AccuracySpread * 100:F2} %");

    private static string PrunedAway(AggregatedRun run) => run.CollapsedLayers.Count == 0 ? "none" : string.Join(", ", run.CollapsedLayers);

    private static string Describe(RunSpec spec)
    {
        var c = CultureInfo.InvariantCulture;
        return spec.Method switch
        {
            Method.Dwf => string.Create(c, $"λ = {Scientific(spec.Lambda)}, lr = {spec.LearningRate:G3} × {DepthLearningRate.Multiplier(spec.Depth):G3}"),
            Method.DwfTarget => string.Create(c, $"target CR {spec.TargetRatio:G4} (λ steered from {Scientific(spec.Lambda)}), lr = {spec.LearningRate:G3} × {DepthLearningRate.Multiplier(spec.Depth):G3}"),
            Method.DwfTune => string.Create(c, $"target CR {spec.TargetRatio:G4} (λ steered from {Scientific(spec.Lambda)}), lr = {spec.LearningRate:G3} × {DepthLearningRate.Multiplier(spec.Depth):G3}, then fine-tuned"),
            Method.L1 => string.Create(c, $"λ = {Scientific(spec.Lambda)}"),
            Method.Dense => string.Create(c, $"weight decay {Scientific(spec.Lambda)}"),
            _ => string.Create(c, $"target CR {spec.TargetRatio:G4}"),
        };
    }

    // "1e-5" rather than .NET's "1E-05": the notation of the rest of the docs.
    private static string Scientific(double value) =>
        value.ToString("G3", CultureInfo.InvariantCulture).Replace("E-0", "e-", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
}
