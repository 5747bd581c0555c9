using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Deployment;
using Dwf.Benchmarks.Shared;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>sparse-forward</c>: batch-1 and batch-B latency of <see cref="Dwf.Deployment.SparseForward"/> against the
/// dense forward, for residual nets with BatchNorm and the LeNets. Writes <c>sparse-forward.csv</c> and <c>.md</c>.
/// </summary>
internal static class SparseForwardVerb
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "Comma-separated: resnet20, mobilenet, vgg-bn, convbn, lenet5, lenet300.", DefaultValueFactory = _ => "resnet20,mobilenet,lenet5,lenet300" };
        var ratios = new Option<string>("--crs") { Description = "Comma-separated compression ratios (random masks).", DefaultValueFactory = _ => "20,100,500" };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes.", DefaultValueFactory = _ => "1,32" };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved timing rounds (the median is reported).", DefaultValueFactory = _ => 15 };
        var seed = new Option<long>("--seed") { Description = "Seed of initialization, masks, BatchNorm statistics and inputs.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--torch-threads") { Description = "TorchSharp intra-op threads while timing (the C# sparse kernels are single-threaded).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "Directory for sparse-forward.csv and .md.", DefaultValueFactory = _ => Path.Combine("docs", "results", "sparse-forward") };
        var command = new Command("sparse-forward", "Benchmark SparseForward (sparse kernels in a model's own forward) against the dense forward.")
        {
            models, ratios, batches, rounds, seed, threads, output,
        };
        command.SetAction(result =>
        {
            if (CommonOptions.Guard(() => CommonOptions.CheckNumerics()) != 0)
            {
                return 1;
            }

            var settings = new SparseForwardSettings(
                CommonOptions.Items(result.GetValue(models)!), CommonOptions.Items(result.GetValue(ratios)!).Select(Format.ParseDouble).ToArray(),
                CommonOptions.Items(result.GetValue(batches)!).Select(int.Parse).ToArray(), result.GetValue(rounds), result.GetValue(seed), result.GetValue(threads));
            var table = new ResultTable("model", "target CR", "CR (random mask)", "batch", "form", "µs / forward (median)", "speed-up vs dense", "non-zero weights", "max rel. output diff");
            foreach (var row in SparseForwardBenchmark.Run(settings))
            {
                table.Add(row.Model, Format.Ratio(row.TargetRatio), Format.Ratio(row.Ratio), Format.Integer(row.Batch), row.Form, Format.Micro(row.PerForward),
                    Format.Number(row.SpeedUp, "F2") + "x", Format.Integer(row.NonZero), Format.Scientific(row.MaxRelativeDifference));
            }

            var notes = new[]
            {
                $"Networks: the harness's zoo (samples/Dwf.Samples.Models), 28x28 one-channel inputs; each Linear/Conv weight kept with probability 1/CR by a random mask, BatchNorm running statistics and affine parameters drawn at random (seed {settings.Seed}), eval mode. Random masks, not trained ones: this measures speed, not accuracy.",
                "Forms: the dense model (TorchSharp, eval); SparseForward.Create on an identical copy with the default path: Graph for ResNet-20 and the MobileNet-style net, which describe their forward (IDescribesGraph: the whole forward, residual additions included, in the C# kernels with BatchNorm folded), LayerChain for the LeNets, which declare a chain; and the hooks path forced (the model's own forward with sparse kernels substituted through forward hooks, what any model gets without a description).",
                $"Timing: {settings.Rounds} interleaved rounds, every form in every round in rotating order, each measurement ≥ {ForwardTimer.MinimumMeasurement.TotalMilliseconds} ms of repeated forwards, median per forward; TorchSharp with {settings.TorchThreads} intra-op thread(s), the C# kernels single-threaded. Inputs: standard normal.",
                "'max rel. output diff': max |out − out_dense| / max |out_dense| over 256 standard-normal inputs.",
            };
            table.Write(result.GetValue(output)!, "sparse-forward", "SparseForward vs the dense forward", Format.Command(), notes);
            Console.WriteLine();
            Console.WriteLine(table.ToMarkdown());
            return 0;
        });
        return command;
    }
}
