using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Dwf.Benchmarks.Performance;
using Dwf.Benchmarks.Shared;
using Dwf.Samples.Models;
using Dwf.Serialization;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>memory</c>: many training steps of the generated LeNet-300-100 (D = 3) with resident memory sampled
/// along the way: flat memory means no tensor outlives its step.
/// </summary>
internal static class MemoryVerb
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => 10_000 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 256 };
        var every = new Option<int>("--sample-every") { Description = "Steps between memory samples.", DefaultValueFactory = _ => 500 };
        var outDirectory = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => Path.Combine("docs", "results", "performance") };
        var device = CommonOptions.Device();
        device.Description += " Resident memory is host memory: on a GPU this checks the host side only.";
        var command = new Command("memory", "Leak check: resident memory over many factorized training steps.") { steps, batch, every, outDirectory, device };
        command.SetAction(result => CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on ? CommonOptions.InvalidUsage : CommonOptions.Guard(() =>
        {
            CommonOptions.CheckNumerics();
            StepVariants.CurrentDevice = on;
            int total = result.GetValue(steps), interval = result.GetValue(every);
            StepVariants.CurrentBatchSize = result.GetValue(batch);
            var samples = new List<(int Step, long Rss)>();
            long before = Sample();
            var model = CommonOptions.Place(new FactorizedLeNet300(), on);
            var factorization = Factorization.Find(model) ?? throw new InvalidOperationException("The generated model has no factorization: is the source generator running?");
            var optimizer = factorization.CreateSgd(0.01, 0.9);
            var (images, labels) = StepVariants.Batch("lenet300", result.GetValue(batch));
            var step = StepVariants.Step(model, optimizer)(images, labels);
            for (int i = 1; i <= total; i++)
            {
                step();
                if (i % interval == 0)
                {
                    samples.Add((i, Sample()));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {i}: resident {samples[^1].Rss / 1e6:F1} MB"));
                }
            }

            // Judge the second half: allocator pools, the GC and the JIT settle during the first thousands of steps.
            var settled = samples.Where(s => s.Step >= total / 2).ToList();
            double slope = Slope(settled);
            long weights = factorization.Weights.Sum(w => w.Count);
            int depth = factorization.Weights[0].Depth;
            string commandLine = CommonOptions.CommandLine("memory", ("--steps", total), ("--batch", result.GetValue(batch)), ("--device", on.type == TorchSharp.DeviceType.CPU ? null : on.ToString()));
            var md = new StringBuilder()
                .AppendLine("# Memory over long factorized training (leak check)").AppendLine()
                .AppendLine("```bash").AppendLine(commandLine).AppendLine("```").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe()}").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Generated LeNet-300-100, D = {depth}, SGD momentum 0.9, batch {result.GetValue(batch)}, {total} steps; resident set size after a full GC every {interval} steps.{(on.type == TorchSharp.DeviceType.CPU ? string.Empty : $" Trained on {on}; the resident set is host memory (GPU memory is not measured).")}").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"- before the model: {before / 1e6:F1} MB; after step {settled.First().Step}: {settled.First().Rss / 1e6:F1} MB; after step {total}: {samples[^1].Rss / 1e6:F1} MB")
                .AppendLine(CultureInfo.InvariantCulture, $"- second half (steps {settled.First().Step}–{total}): growth {(settled.Last().Rss - settled.First().Rss) / 1e6:F2} MB, range {(settled.Max(x => x.Rss) - settled.Min(x => x.Rss)) / 1e6:F2} MB, least-squares slope {slope:F1} bytes/step (one leaked activation of this model would be ≥ 100 KB/step)")
                .AppendLine(CultureInfo.InvariantCulture, $"- factorized weights: {weights}; state per factorized weight: D factors + D momentum buffers (float32) = {2 * depth * 4} bytes, besides the layer weight and its gradient that dense training also holds ({(2 * depth - 1) * 4} bytes more than dense SGD with momentum)")
                .AppendLine().AppendLine("| step | resident MB |").AppendLine("| ---: | ---: |");
            foreach (var (s, rss) in samples)
            {
                md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {s} | {rss / 1e6:F1} |"));
            }

            string output = result.GetValue(outDirectory)!;
            Directory.CreateDirectory(output);
            StateDictFile.AtomicWrite(Path.Combine(output, "memory.md"), w => w.Write(Encoding.UTF8.GetBytes(md.ToString())));
            Console.WriteLine(md.ToString());
        }));
        return command;
    }

    private static long Sample()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ProcessMemory.ResidentBytes();
    }

    private static double Slope(IReadOnlyList<(int Step, long Rss)> samples)
    {
        if (samples.Count < 2)
        {
            return double.NaN;
        }

        double meanX = samples.Average(s => (double)s.Step), meanY = samples.Average(s => (double)s.Rss);
        double numerator = samples.Sum(s => (s.Step - meanX) * (s.Rss - meanY));
        double denominator = samples.Sum(s => (s.Step - meanX) * (s.Step - meanX));
        return numerator / denominator;
    }
}
