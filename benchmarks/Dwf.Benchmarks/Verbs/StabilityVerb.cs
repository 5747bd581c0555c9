using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Benchmarks.Experiments;
using Dwf.Benchmarks.Stability;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>stability</c>: why do factorized runs diverge? Trains the first steps of one configuration under several
/// learning-rate variants, on the schedule of the full run, and traces per-layer weight magnitudes and effective rates.
/// </summary>
internal static class StabilityVerb
{
    public static Command Create()
    {
        var net = CommonOptions.Net();
        var dataset = CommonOptions.Dataset();
        var dataDirectory = CommonOptions.DataDirectory();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var depth = new Option<int>("--depth") { DefaultValueFactory = _ => 3 };
        var lambda = new Option<double>("--lambda") { DefaultValueFactory = _ => 2e-3 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the schedule (the cosine runs over all of them).", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Stop after this many steps.", DefaultValueFactory = _ => 940 };
        var every = new Option<int>("--every") { DefaultValueFactory = _ => 50 };
        var variants = new Option<string>("--variants")
        {
            Description = "Semicolon-separated variants, each 'name:factor=<rate>,bias=<rate>,cap=<ratio>' (rates of the factor group and of the other parameters; cap 0 = no effective-rate bound).",
            DefaultValueFactory = _ => "default:factor=0.5,bias=0.1",
        };
        var outFile = new Option<string?>("--out") { Description = "Append the traces to this Markdown file." };
        var command = new Command("stability", "Trace the first steps of a factorized run under learning-rate variants (divergence diagnosis).")
        {
            net, dataset, dataDirectory, threads, device, depth, lambda, seed, epochs, steps, every, variants, outFile,
        };
        command.SetAction(result => CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on ? CommonOptions.InvalidUsage : CommonOptions.Guard(() =>
        {
            CommonOptions.CheckNumerics();
            set_num_threads(Math.Max(1, result.GetValue(threads)));
            string netName = result.GetValue(net)!;
            string datasetName = result.GetValue(dataset)!;
            var data = CommonOptions.DataOptions(result.GetValue(dataDirectory));
            using var train = MnistDataset.Load(CommonOptions.Variant(datasetName), DatasetSplit.Train, data);
            using var test = MnistDataset.Load(CommonOptions.Variant(datasetName), DatasetSplit.Test, data);
            var report = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"## {netName} / {datasetName}, D = {result.GetValue(depth)}, λ = {result.GetValue(lambda):R}, seed {result.GetValue(seed)}, first {result.GetValue(steps)} steps of {result.GetValue(epochs)} epochs{(on.type == TorchSharp.DeviceType.CPU ? string.Empty : $", on {on}")}"),
                string.Empty,
            };
            foreach (var variant in result.GetValue(variants)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                report.AddRange(RunVariant(variant, netName, on, train, test, result.GetValue(depth), result.GetValue(lambda), result.GetValue(seed), result.GetValue(epochs), result.GetValue(steps), result.GetValue(every)));
            }

            foreach (var line in report)
            {
                Console.WriteLine(line);
            }

            if (result.GetValue(outFile) is string path)
            {
                File.AppendAllLines(path, report);
            }
        }));
        return command;
    }

    private static IEnumerable<string> RunVariant(string variant, string netName, Device device, ImageClassificationDataset train, ImageClassificationDataset test, int depth, double lambda, int seed, int epochs, int steps, int every)
    {
        var (name, settings) = Parse(variant);
        double factorRate = settings["factor"], biasRate = settings["bias"];
        DepthLearningRate.Configure(new Dictionary<int, double> { [depth] = factorRate / biasRate });
        try
        {
            manual_seed(seed);
            var model = CommonOptions.Place(Nets.Create(netName), device);
            var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = depth, Lambda = lambda }, netName));
            using var stop = new CancellationTokenSource();
            var trace = new StabilityTrace(factorization, _ => factorRate, settings["cap"] <= 0 ? double.PositiveInfinity : settings["cap"] * biasRate, every, steps, stop);
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 128, LearningRate = biasRate, EffectiveRateCap = settings["cap"] <= 0 ? double.PositiveInfinity : settings["cap"], Momentum = 0.9, Seed = seed, Flatten = Nets.Flatten(netName), NonFiniteCheckInterval = 1, DivergenceRecoveries = 0, Device = device };
            string outcome;
            try
            {
                new Trainer(model, options).Fit(train, test, trace, stop.Token);
                outcome = "finished";
            }
            catch (OperationCanceledException)
            {
                outcome = string.Create(CultureInfo.InvariantCulture, $"stable for {steps} steps (last loss {trace.LastLoss:G4})");
            }
            catch (TrainingDivergedException error)
            {
                outcome = "DIVERGED: " + error.Message;
            }

            yield return string.Create(CultureInfo.InvariantCulture, $"### {name} (factor rate {factorRate:R}, other parameters {biasRate:R}, effective-rate cap {(settings["cap"] <= 0 ? "none" : settings["cap"].ToString("R", CultureInfo.InvariantCulture))})");
            yield return string.Empty;
            yield return outcome;
            yield return string.Empty;
            yield return "peak effective rate: " + string.Join(", ", trace.PeakEffectiveRate.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:G3}")));
            yield return string.Empty;
            foreach (var line in trace.Lines)
            {
                yield return "    " + line;
            }

            yield return string.Empty;
            model.Dispose();
        }
        finally
        {
            DepthLearningRate.Configure(null);
        }
    }

    private static (string Name, Dictionary<string, double> Settings) Parse(string variant)
    {
        var parts = variant.Split(':', 2);
        var settings = new Dictionary<string, double>(StringComparer.Ordinal) { ["factor"] = 0.5, ["bias"] = 0.1, ["cap"] = FactorizationDefaults.EffectiveRateCap };
        foreach (var pair in parts.Length > 1 ? parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>())
        {
            var kv = pair.Split('=', 2);
            settings[kv[0].Trim()] = kv.Length == 2 && double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                ? value
                : throw new ArgumentException($"--variants: expected name=number in '{variant}', got '{pair}'.");
        }

        return (parts[0], settings);
    }
}
