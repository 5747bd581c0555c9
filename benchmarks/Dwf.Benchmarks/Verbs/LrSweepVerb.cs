using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Dwf.Benchmarks.Experiments;
using Dwf.Serialization;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>lr-sweep</c>: learning rate × depth × λ for DWF (with the depth multipliers forced to 1, so the
/// learning rates are the factors' own), the measurement behind <see cref="DepthLearningRate"/>.
/// </summary>
internal static class LrSweepVerb
{
    public static Command Create()
    {
        var net = CommonOptions.Net();
        var dataset = CommonOptions.Dataset();
        var outDirectory = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => Path.Combine("docs", "results", "lr-sweep") };
        var dataDirectory = CommonOptions.DataDirectory();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var workDirectory = CommonOptions.WorkDirectory();
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 20 };
        var lrs = new Option<string>("--lrs") { Description = "Peak learning rates, comma-separated.", DefaultValueFactory = _ => "0.05,0.1,0.2,0.4,0.8" };
        var lambdas = new Option<string>("--lambdas") { Description = "λ values, comma-separated.", DefaultValueFactory = _ => "1e-4,3e-4,1e-3,3e-3" };
        var depths = new Option<string>("--depths") { Description = "Depths, comma-separated.", DefaultValueFactory = _ => "2,3,4" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per configuration.", DefaultValueFactory = _ => 1 };
        var command = new Command("lr-sweep", "Learning rate × D × λ sweep for DWF; the table behind the depth-aware learning-rate rule.")
        {
            net, dataset, outDirectory, dataDirectory, workDirectory, epochs, lrs, lambdas, depths, seeds, threads, device,
        };
        command.SetAction(result => CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on ? CommonOptions.InvalidUsage : CommonOptions.Guard(() =>
        {
            CommonOptions.CheckNumerics();
            TorchSharp.torch.set_num_threads(Math.Max(1, result.GetValue(threads)));
            string netName = result.GetValue(net)!;
            string datasetName = result.GetValue(dataset)!;
            string output = result.GetValue(outDirectory)!;
            var learningRates = CommonOptions.ParseList(result.GetValue(lrs), "--lrs", Array.Empty<double>());
            var plan = ExperimentPlan.Quick(netName) with
            {
                Methods = new[] { Method.Dense, Method.Dwf },
                Seeds = Enumerable.Range(1, Math.Max(1, result.GetValue(seeds))).Select(i => (long)i).ToArray(),
                Epochs = result.GetValue(epochs),
                Depths = CommonOptions.ParseList(result.GetValue(depths), "--depths", Array.Empty<double>()).Select(d => (int)d).ToArray(),
                DwfLambdas = CommonOptions.ParseList(result.GetValue(lambdas), "--lambdas", Array.Empty<double>()),
                DwfLearningRates = learningRates,
            };

            // The sweep measures the factors' own learning rates: no depth scaling while it runs.
            DepthLearningRate.Configure(plan.Depths.Distinct().ToDictionary(d => d, _ => 1.0));
            string commandLine = CommonOptions.CommandLine("lr-sweep", ("--net", netName), ("--dataset", datasetName), ("--epochs", plan.Epochs), ("--lrs", result.GetValue(lrs)), ("--lambdas", result.GetValue(lambdas)), ("--depths", result.GetValue(depths)), ("--seeds", result.GetValue(seeds)));
            var runner = new ExperimentRunner(netName, CommonOptions.Variant(datasetName), output, result.GetValue(workDirectory) ?? CommonOptions.DefaultWork(netName, datasetName) + "-lr-sweep", CommonOptions.DataOptions(result.GetValue(dataDirectory)), commandLine) { Device = on };
            runner.Run(plan);
            WriteTable(output, RunStore.Open(Path.Combine(output, "runs.csv")).Results, commandLine);
        }));
        return command;
    }

    /// <summary>Per depth: rows λ, columns learning rate, cells "accuracy / CR".</summary>
    internal static void WriteTable(string output, IReadOnlyList<RunResult> results, string commandLine)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Learning rate × depth × λ (DWF, factor learning rate = the column value)").AppendLine();
        // Every command that added runs to this directory (the runner records them in commands.txt).
        string commands = Path.Combine(output, "commands.txt");
        md.AppendLine("```bash").AppendLine(File.Exists(commands) ? File.ReadAllText(commands).TrimEnd() : commandLine).AppendLine("```").AppendLine();
        var dense = results.Where(r => r.Spec.Method == Method.Dense).ToList();
        if (dense.Count > 0)
        {
            md.AppendLine(c, $"Dense reference: {dense.Average(r => r.TestAccuracy) * 100:F2} % (lr {dense[0].Spec.LearningRate:G3}, {dense[0].Spec.Epochs} epochs).").AppendLine();
        }

        md.AppendLine("Cells: test accuracy (%) / compression ratio at the exact-zero threshold 1.19e-7 after collapse (mean over seeds; CR geometric mean).").AppendLine();
        var dwf = results.Where(r => r.Spec.Method == Method.Dwf).ToList();
        foreach (var depth in dwf.Select(r => r.Spec.Depth).Distinct().OrderBy(d => d))
        {
            var rates = dwf.Where(r => r.Spec.Depth == depth).Select(r => r.Spec.LearningRate).Distinct().OrderBy(x => x).ToList();
            md.AppendLine(c, $"## D = {depth}").AppendLine();
            md.AppendLine("| λ \\ lr | " + string.Join(" | ", rates.Select(r => r.ToString("G3", c))) + " |");
            md.AppendLine("| --- |" + string.Concat(rates.Select(_ => " ---: |")));
            foreach (var lambda in dwf.Where(r => r.Spec.Depth == depth).Select(r => r.Spec.Lambda).Distinct().OrderBy(x => x))
            {
                var cells = rates.Select(rate =>
                {
                    var runs = dwf.Where(r => r.Spec.Depth == depth && r.Spec.Lambda == lambda && r.Spec.LearningRate == rate).ToList();
                    if (runs.Count == 0)
                    {
                        return "—";
                    }

                    if (runs.All(r => double.IsNaN(r.TestAccuracy)))
                    {
                        return "diverged";
                    }

                    runs = runs.Where(r => !double.IsNaN(r.TestAccuracy)).ToList();

                    double ratio = runs.Any(r => double.IsPositiveInfinity(r.CompressionRatio)) ? double.PositiveInfinity : Math.Exp(runs.Average(r => Math.Log(r.CompressionRatio)));
                    return string.Create(c, $"{runs.Average(r => r.TestAccuracy) * 100:F2} / {SparsityReport.FormatRatio(ratio)}");
                });
                md.AppendLine(string.Create(c, $"| {lambda:G3} | ") + string.Join(" | ", cells) + " |");
            }

            md.AppendLine();
        }

        StateDictFile.AtomicWrite(Path.Combine(output, "table.md"), writer => writer.Write(Encoding.UTF8.GetBytes(md.ToString())));
    }
}
