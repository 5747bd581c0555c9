using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Dwf.Benchmarks.Performance;
using Dwf.Benchmarks.Shared;
using Dwf.Numerics;
using Dwf.Serialization;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>step-time</c>: one training step (forward, backward, optimizer step, re-materialization) of dense,
/// factorized (D = 2, 3, 4) and hand-written reference models, interleaved in rounds in one process,
/// with medians, ratios to dense, managed allocations and (from a child process per variant) peak memory.
/// </summary>
internal static class StepTimeVerb
{
    public static Command Create()
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each runs every variant once.", DefaultValueFactory = _ => 25 };
        var steps = new Option<int>("--steps") { Description = "Steps per variant per round.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up steps per variant.", DefaultValueFactory = _ => 50 };
        var threads = new Option<int>("--threads") { Description = "TorchSharp intra-op threads.", DefaultValueFactory = _ => 2 };
        var cases = new Option<string>("--cases") { Description = "net:batch pairs.", DefaultValueFactory = _ => "lenet300:64,lenet300:256,lenet5:256" };
        var outDirectory = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => Path.Combine("docs", "results", "performance") };
        var skipMemory = new Option<bool>("--skip-memory") { Description = "Skip the per-variant peak-memory child processes." };
        var device = CommonOptions.Device();
        var command = new Command("step-time", "Training-step time of factorized vs dense vs hand-written reference (interleaved rounds, medians).")
        {
            rounds, steps, warmup, threads, cases, outDirectory, skipMemory, device,
        };
        command.SetAction(result => CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on ? CommonOptions.InvalidUsage : CommonOptions.Guard(() =>
        {
            CommonOptions.CheckNumerics();
            set_num_threads(result.GetValue(threads));
            StepVariants.CurrentDevice = on;
            string deviceText = result.GetValue(device)!;
            var rows = new List<string>();
            var csv = new StringBuilder("net,batch,variant,median_ms,p25_ms,p75_ms,ratio_to_dense,managed_bytes_per_step,peak_rss_mb\n");
            foreach (var pair in result.GetValue(cases)!.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split(':');
                string net = parts[0];
                int batch = int.Parse(parts[1], CultureInfo.InvariantCulture);
                Measure(net, batch, result.GetValue(rounds), result.GetValue(steps), result.GetValue(warmup), !result.GetValue(skipMemory), result.GetValue(threads), deviceText, rows, csv);
            }

            string output = result.GetValue(outDirectory)!;
            Directory.CreateDirectory(output);
            string commandLine = CommonOptions.CommandLine("step-time", ("--rounds", result.GetValue(rounds)), ("--steps", result.GetValue(steps)), ("--threads", result.GetValue(threads)), ("--cases", result.GetValue(cases)), ("--device", on.type == TorchSharp.DeviceType.CPU ? null : on.ToString()));
            // Off the CPU the factorized variants take the general path too (the fused kernel is CPU code), and peak RSS is host memory only.
            string onDevice = on.type == TorchSharp.DeviceType.CPU ? string.Empty : $" Trained on {on}: every factorized variant runs the general (tensor-op) path there; the GPU waits are included (synchronized after each block of steps); peak RSS is host memory, not GPU memory.";
            var md = new StringBuilder()
                .AppendLine("# Training step time: factorized vs dense").AppendLine()
                .AppendLine("```bash").AppendLine(commandLine).AppendLine("```").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe()}. Each variant runs {result.GetValue(steps)} steps per round, {result.GetValue(rounds)} rounds interleaved (starting variant rotated per round); times are per step. Managed allocations are all threads' (GC.GetTotalAllocatedBytes). Peak RSS is the high-water mark of a child process that builds only that variant and runs 100 steps.{onDevice}").AppendLine()
                .AppendLine("| net | batch | variant | median ms/step | p25–p75 | ratio to dense | managed B/step | peak RSS (MB) |")
                .AppendLine("| --- | ---: | --- | ---: | --- | ---: | ---: | ---: |");
            foreach (var row in rows)
            {
                md.AppendLine(row);
            }

            md.AppendLine().AppendLine("Variants:").AppendLine();
            foreach (var variant in StepVariants.All)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{variant.Name}`: {variant.Description}.");
            }

            StateDictFile.AtomicWrite(Path.Combine(output, "step-time.md"), w => w.Write(Encoding.UTF8.GetBytes(md.ToString())));
            StateDictFile.AtomicWrite(Path.Combine(output, "step-time.csv"), w => w.Write(Encoding.UTF8.GetBytes(csv.ToString())));
            Console.WriteLine(md.ToString());
        }));
        return command;
    }

    /// <summary>The hidden child mode: build one variant, run it, print its peak RSS growth.</summary>
    public static Command CreateChild()
    {
        var net = new Option<string>("--net") { Required = true };
        var batch = new Option<int>("--batch") { Required = true };
        var variant = new Option<string>("--variant") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 2 };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu" };
        var command = new Command("step-time-child", "(internal) peak memory of one step-time variant") { net, batch, variant, threads, device };
        command.Hidden = true;
        command.SetAction(result =>
        {
            set_num_threads(result.GetValue(threads));
            NativeNumerics.EnsureChecked(); // a process of its own: it must not measure convolutions on a broken backend
            StepVariants.CurrentBatchSize = result.GetValue(batch);
            StepVariants.CurrentDevice = Devices.Resolve(result.GetValue(device)!);
            using (var warm = ones(4).add(Scalars.One, Scalars.One))
            {
            }

            long baseline = ProcessMemory.PeakResidentBytes();
            var step = StepVariants.All.Single(v => v.Name == result.GetValue(variant)).Build(result.GetValue(net)!);
            for (int i = 0; i < 100; i++)
            {
                step();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_bytes={ProcessMemory.PeakResidentBytes() - baseline}"));
            return 0;
        });
        return command;
    }

    private static void Measure(string net, int batch, int rounds, int steps, int warmup, bool memory, int threads, string device, List<string> rows, StringBuilder csv)
    {
        Console.WriteLine($"{net} batch {batch}: building {StepVariants.All.Count(v => v.Supports(net))} variants");
        StepVariants.CurrentBatchSize = batch;
        var variants = StepVariants.All.Where(v => v.Supports(net)).Select(v => (v.Name, Step: v.Build(net))).ToList();
        foreach (var (_, step) in variants)
        {
            for (int i = 0; i < warmup; i++)
            {
                step();
            }

            StepVariants.Synchronize();
        }

        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var allocations = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < variants.Count; k++)
            {
                var (name, step) = variants[(k + round) % variants.Count];
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++)
                {
                    step();
                }

                StepVariants.Synchronize();
                times[name].Add(clock.Elapsed.TotalMilliseconds / steps);
                allocations[name].Add((double)(GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / steps);
            }
        }

        double dense = Percentile(times["dense"], 0.5);
        foreach (var (name, _) in variants)
        {
            double median = Percentile(times[name], 0.5);
            double p25 = Percentile(times[name], 0.25), p75 = Percentile(times[name], 0.75);
            double allocated = Percentile(allocations[name], 0.5);
            double peak = memory ? PeakMemoryOfChild(net, batch, name, threads, device) / 1e6 : double.NaN;
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {net} | {batch} | {name} | {median:F3} | {p25:F3}–{p75:F3} | {median / dense:F3} | {allocated:F0} | {(double.IsNaN(peak) ? "—" : peak.ToString("F1", CultureInfo.InvariantCulture))} |"));
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{net},{batch},{name},{median:F4},{p25:F4},{p75:F4},{median / dense:F4},{allocated:F0},{peak:F1}"));
            Console.WriteLine(rows[^1]);
        }
    }

    private static double PeakMemoryOfChild(string net, int batch, string variant, int threads, string device)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under `dotnet x.dll` the host needs the assembly; an apphost is the program itself (and its
        // GetCommandLineArgs()[0] is the .dll too, so it must not be passed again).
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }

        foreach (var arg in new[] { "step-time-child", "--net", net, "--batch", batch.ToString(CultureInfo.InvariantCulture), "--variant", variant, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--device", device })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("peak_bytes=", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line["peak_bytes=".Length..], CultureInfo.InvariantCulture);
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToList();
        double position = q * (sorted.Count - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
