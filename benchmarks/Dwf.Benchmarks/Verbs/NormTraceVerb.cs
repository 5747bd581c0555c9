using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Benchmarks.Shared;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>norm-trace</c>: what DWF does to a network with normalization layers. Trains one net (fixed λ or a target
/// ratio) and traces, per epoch, test accuracy in eval mode (BatchNorm's running statistics) and with batch
/// statistics, the ratio of each BatchNorm's running variance to the variance of the batch it sees, each
/// factorized layer's RMS weight and the fraction of its weights below the collapse threshold, and λ.
/// </summary>
internal static class NormTraceVerb
{
    public static Command Create()
    {
        var net = CommonOptions.Net();
        var dataset = CommonOptions.Dataset();
        var dataDirectory = CommonOptions.DataDirectory();
        var threads = CommonOptions.Threads();
        var depth = new Option<int>("--depth") { DefaultValueFactory = _ => 3 };
        var lambda = new Option<double?>("--lambda") { Description = "Fixed λ (default: the library's default λ, or steered with --target)." };
        var target = new Option<double?>("--target") { Description = "Target compression ratio (λ steered)." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 4 };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 0.1 };
        var trainSize = new Option<int>("--train-size") { Description = "Train on the first N images (0: all).", DefaultValueFactory = _ => 10000 };
        var multiplier = new Option<double?>("--depth-multiplier") { Description = "The factor groups' learning-rate multiplier at --depth (default: the library's, ×5 at D = 3)." };
        var ramp = new Option<double?>("--ramp") { Description = "The controller's ramp fraction (default: the library's, 0.3)." };
        var fineTune = new Option<double?>("--fine-tune-fraction") { Description = "The controller's fine-tuning phase (CompressionControllerOptions.FineTuneFraction; default the library's, 0.4; 0: the paper's protocol)." };
        var pace = new Option<bool>("--pace") { Description = "CompressionControllerOptions.PaceByShrinkage (default true).", DefaultValueFactory = _ => true };
        var projection = new Option<double?>("--projection-threshold") { Description = "CompressionControllerOptions.MaxProjectionThreshold (default 1e-3)." };
        var hold = new Option<bool>("--hold-norms") { Description = "Hold scale-invariant weights at their norm (the library's default; false: the paper's formulation, the behaviour before it).", DefaultValueFactory = _ => true };
        var outFile = new Option<string?>("--out") { Description = "Append the trace to this Markdown file." };
        var maskScore = new Option<string>("--mask-score") { Description = "How the controller's mask ranks weights: automatic (the library's default: flow on nets with BatchNorm), flow or magnitude (the default before December 2026, with which the logs in docs/results/normalization were made).", DefaultValueFactory = _ => "automatic" };
        var every = new Option<int>("--every") { Description = "Also trace λ, the loss and the share of weights below 1e-3 every N steps (0: per epoch only).", DefaultValueFactory = _ => 0 };
        var command = new Command("norm-trace", "Trace a DWF run on a network with BatchNorm: eval vs batch-statistics accuracy, running vs batch variance, layer scales, λ.")
        {
            net, dataset, dataDirectory, threads, depth, lambda, target, seed, epochs, lr, trainSize, multiplier, ramp, hold, outFile, every, fineTune, pace, projection, maskScore,
        };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            CommonOptions.CheckNumerics();
            set_num_threads(Math.Max(1, result.GetValue(threads)));
            string netName = result.GetValue(net)!;
            string datasetName = result.GetValue(dataset)!;
            var data = CommonOptions.DataOptions(result.GetValue(dataDirectory));
            using var fullTrain = MnistDataset.Load(CommonOptions.Variant(datasetName), DatasetSplit.Train, data);
            using var test = MnistDataset.Load(CommonOptions.Variant(datasetName), DatasetSplit.Test, data);
            int size = result.GetValue(trainSize);
            using var train = TrainingSubset.First(fullTrain, size);
            if (result.GetValue(multiplier) is double m)
            {
                DepthLearningRate.Configure(new Dictionary<int, double> { [result.GetValue(depth)] = m });
            }

            manual_seed(result.GetValue(seed));
            var model = Nets.Create(netName);
            var options = new FactorizationOptions { Depth = result.GetValue(depth) };
            if (result.GetValue(lambda) is double fixedLambda)
            {
                options = options with { Lambda = fixedLambda };
            }

            var defaults = new CompressionControllerOptions();
            var control = defaults with
            {
                FineTuneFraction = result.GetValue(fineTune) ?? defaults.FineTuneFraction,
                PaceByShrinkage = result.GetValue(pace),
                MaxProjectionThreshold = result.GetValue(projection) ?? defaults.MaxProjectionThreshold,
                RampFraction = result.GetValue(ramp) ?? defaults.RampFraction,
                MaskScore = MaskScoreOption.Parse(result.GetValue(maskScore)!, "--mask-score"),
            };
            var factorization = Factorization.Attach(model, new FactorizationPlan(options, netName));
            factorization.HoldScaleInvariantNorms = result.GetValue(hold);
            var lines = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"## {netName} / {datasetName} ({train.Count} training images), D = {result.GetValue(depth)}, {(result.GetValue(target) is double t ? $"target CR {t:G4}" : $"λ {factorization.Weights[0].Lambda:G3}")}, lr {result.GetValue(lr):R}, {result.GetValue(epochs)} epochs, seed {result.GetValue(seed)}, scale-invariant norms {(result.GetValue(hold) ? "held" : "free")}, fine-tune {control.FineTuneFraction:R}, pace {control.PaceByShrinkage}, projection threshold {control.MaxProjectionThreshold:R}, mask ranked by {result.GetValue(maskScore)}{(result.GetValue(ramp) is double r ? $", ramp {r:R}" : string.Empty)}{(result.GetValue(multiplier) is double dm ? $", factor lr ×{dm:R}" : string.Empty)}"),
                string.Empty,
            };
            var trace = new Tracer(model, factorization, test, lines, result.GetValue(every));
            var trainingOptions = new TrainingOptions
            {
                Epochs = result.GetValue(epochs),
                LearningRate = result.GetValue(lr),
                Seed = result.GetValue(seed),
                TargetCompression = result.GetValue(target),
                CompressionControl = control,
            };
            new Trainer(model, trainingOptions).Fit(train, test, trace);
            factorization.Collapse();
            var (_, accuracy) = Evaluation.Evaluate(model, test);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"collapsed: test accuracy {accuracy * 100:F2} %, CR {SparsityReport.FormatRatio(Sparsity.Measure(model, Sparsity.Threshold).Global)}"));
            lines.Add(string.Empty);
            foreach (var line in lines.Skip(trace.Printed))
            {
                Console.WriteLine(line);
            }

            if (result.GetValue(outFile) is string path)
            {
                File.AppendAllLines(path, lines);
            }
        }));
        return command;
    }

    private sealed class Tracer(nn.Module<Tensor, Tensor> model, Factorization factorization, ImageClassificationDataset test, List<string> lines, int every) : ITrainingObserver
    {
        private long _steps;
        public int Printed { get; private set; }

        // Every `every` steps: λ, the step's loss, and the share of all factorized weights below 1e-3 and below 1.19e-7
        // (the within-epoch path the per-epoch lines cannot show).
        public void OnBatch(int epoch, long batch, long batches, double loss)
        {
            _steps++;
            if (every <= 0 || _steps % every != 0)
            {
                return;
            }

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long total = 0, below1e3 = 0, belowCollapse = 0;
            using var milli = 1e-3.ToScalar();
            using var collapse = FactorizationDefaults.CollapseThreshold.ToScalar();
            foreach (var w in factorization.Weights)
            {
                var magnitude = w.Weight.detach().abs();
                total += magnitude.numel();
                below1e3 += magnitude.lt(milli).sum().item<long>();
                belowCollapse += magnitude.lt(collapse).sum().item<long>();
            }

            string line = string.Create(CultureInfo.InvariantCulture, $"    step {_steps} (epoch {epoch}): loss {loss:F4}, λ {factorization.Weights[0].Lambda:G3}, below 1e-3 {(double)below1e3 / total:P1}, below 1.19e-7 {(double)belowCollapse / total:P2}");
            lines.Add(line);
            Console.WriteLine(line);
            Printed = lines.Count;
        }

        public void OnEpochEnd(EpochMetrics metrics)
        {
            double batchStatAccuracy = BatchStatisticsAccuracy();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"epoch {metrics.Epoch}: loss {metrics.TrainLoss:F4}, test accuracy eval mode {metrics.TestAccuracy * 100:F2} %, with batch statistics {batchStatAccuracy * 100:F2} %, CR {SparsityReport.FormatRatio(metrics.CompressionRatio)} (1e-3: {SparsityReport.FormatRatio(metrics.CompressionRatioAt1e3)}), λ {factorization.Weights[0].Lambda:G3}{(metrics.ProjectedCompression is double p ? string.Create(CultureInfo.InvariantCulture, $", projected {p:G4}") : string.Empty)}"));
            lines.Add("    running/batch variance per BatchNorm: " + string.Join(" ", VarianceRatios().Select(r => r.ToString("G2", CultureInfo.InvariantCulture))));
            lines.Add("    RMS weight | share below 1.19e-7: " + string.Join(", ", factorization.Weights.Select(w =>
            {
                using var scope = NewDisposeScope();
                var weight = w.Weight.detach();
                double rms = weight.square().mean().sqrt().item<float>();
                using var collapse = FactorizationDefaults.CollapseThreshold.ToScalar();
                double zero = weight.abs().lt(collapse).to(float32).mean().item<float>();
                string invariant = w.IsScaleInvariant switch { true => " (invariant)", false => string.Empty, null => " (?)" };
                return string.Create(CultureInfo.InvariantCulture, $"{w.Path}{invariant} {rms:G2}|{zero:P0}");
            })));
            foreach (var line in lines.Skip(Printed))
            {
                Console.WriteLine(line);
            }

            Printed = lines.Count;
        }

        // Test accuracy with every BatchNorm using the statistics of its batch (train mode, no gradients), its running
        // buffers restored afterwards: the accuracy the network would have if its running statistics were current.
        private double BatchStatisticsAccuracy()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var saved = model.named_buffers().Select(b => (b.name, value: b.buffer.clone())).ToList();
            model.train();
            long correct = 0;
            foreach (var (images, labels) in test.Batches(1000, shuffle: false).Epoch(0))
            {
                correct += model.call(images).argmax(1).eq(labels).sum().item<long>();
            }

            var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            foreach (var (name, value) in saved)
            {
                buffers[name].copy_(value);
            }

            return (double)correct / test.Count;
        }

        // For each BatchNorm2d: mean over channels of running_var / the variance of its input on one test batch (1 = current).
        private IEnumerable<double> VarianceRatios()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var norms = model.modules().OfType<BatchNorm2d>().ToList();
            var seen = new Dictionary<BatchNorm2d, double>();
            using var tiny = 1e-12.ToScalar();
            var handles = norms.Select(bn => bn.register_forward_pre_hook((module, input) =>
            {
                var batchVariance = input.var(new long[] { 0, 2, 3 }, unbiased: false);
                seen[bn] = bn.running_var!.div(batchVariance.clamp_min(tiny)).mean().item<float>();
                return input;
            })).ToList();
            model.eval();
            var (images, _) = test.Batches(500, shuffle: false).Epoch(0).First();
            model.call(images);
            model.train();
            foreach (var handle in handles)
            {
                handle.remove();
            }

            return norms.Select(bn => seen.TryGetValue(bn, out double r) ? r : double.NaN);
        }
    }
}
