using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Experiments;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>experiments</c>: accuracy against compression for DWF (D = 2, 3, 4) and the baselines on one
/// net/dataset pair, resumable, writing docs/results/&lt;net&gt;-&lt;dataset&gt;/.
/// </summary>
internal static class ExperimentsVerb
{
    public static Command Create()
    {
        var net = CommonOptions.Net();
        var dataset = CommonOptions.Dataset();
        var profile = new Option<string>("--profile") { Description = "quick (a few minutes, one seed) or full (two seeds, every method, the whole grid).", DefaultValueFactory = _ => "full" };
        profile.AcceptOnlyFromAmong("quick", "full");
        var outDirectory = new Option<string?>("--out") { Description = "Output directory (default: docs/results/<net>-<dataset>, or artifacts/quick/<net>-<dataset> for --profile quick)." };
        var dataDirectory = CommonOptions.DataDirectory();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var workDirectory = CommonOptions.WorkDirectory();
        var epochs = new Option<int?>("--epochs") { Description = "Override the profile's epochs." };
        var seeds = new Option<int?>("--seeds") { Description = "Override the number of seeds (1, 2, …)." };
        var lambdas = new Option<string?>("--lambdas") { Description = "Override the DWF λ grid, comma-separated." };
        var depths = new Option<string?>("--depths") { Description = "Override the DWF depths, comma-separated." };
        var targets = new Option<string?>("--targets") { Description = "Override the target compression ratios of the pruning baselines." };
        var dwfTargets = new Option<string?>("--dwf-targets") { Description = "Override the target compression ratios of the DWF runs whose λ is steered (method dwftarget)." };
        var learningRate = new Option<double?>("--lr") { Description = "Override the peak learning rate of the dense, L1 and pruning runs." };
        var dwfLearningRate = new Option<double?>("--dwf-lr") { Description = "Override the base learning rate of the DWF runs (factor groups: × the depth multiplier)." };
        var cap = new Option<double?>("--effective-lr-cap") { Description = "Override the DWF runs' effective learning-rate cap (multiple of the dense rate; 0 = none). For studies of the default: use a separate --out." };
        var controller = new Option<string?>("--controller") { Description = "Override compression-controller settings of the target runs, e.g. gain=0.2,ramp=0.25,anticipation=0,efficiency=0.8,threshold=1e-3 (studies of the defaults: use a separate --out)." };
        var fineTune = new Option<string?>("--fine-tune") { Description = "Override the fine-tuning phase of the dwftune runs, e.g. fraction=0.3,lr=0.01 (default: the last 30 % of the epochs at a tenth of the dense rate; studies: use a separate --out)." };
        var layerLambda = new Option<string?>("--layer-lambda") { Description = "Per-layer λ of the DWF runs: global (the paper's single λ, default) or fan-in (each layer's λ × (fan-in / largest fan-in)^(1/D); a study: use a separate --out)." };
        var holdNorms = new Option<string?>("--hold-norms") { Description = "Whether the DWF runs hold scale-invariant weights (a conv before BatchNorm) at their channel norms: at-least (the library's default: a floor, free to grow), exactly, or false (the paper's formulation); a study: use a separate --out." };
        var maskScore = new Option<string?>("--mask-score") { Description = "How the controller's mask of the target runs ranks weights: automatic (the library's default: flow on nets with BatchNorm, magnitude without), flow (synaptic flow of the network at each mask event, SynFlow's score) or magnitude (global; or lamp=1 in --controller for layer-adaptive); a study: use a separate --out." };
        var methods = new Option<string?>("--methods") { Description = $"Only these methods, comma-separated: {string.Join(", ", Enum.GetNames<Method>().Select(n => n.ToLowerInvariant()))}." };
        var pretrained = new Option<string?>("--pretrained") { Description = "Start every run from this trained plain model (a state dict, e.g. a dense run's file in --work-dir): the conversion path. Methods dense, dwf, dwftarget, gmp; use a separate --out." };
        var trainSize = new Option<int>("--train-size") { Description = "Train on the first N training images (0: all, the default). A cheap proxy for studies: use a separate --out and --work-dir.", DefaultValueFactory = _ => 0 };
        var command = new Command("experiments", "Accuracy vs compression of DWF and baselines on one net/dataset pair (resumable).")
        {
            net, dataset, profile, outDirectory, dataDirectory, workDirectory, epochs, seeds, lambdas, depths, targets, dwfTargets, methods, learningRate, dwfLearningRate, cap, controller, fineTune, layerLambda, holdNorms, maskScore, threads, device, pretrained, trainSize,
        };
        command.SetAction(result => CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on ? CommonOptions.InvalidUsage : CommonOptions.Guard(() =>
        {
            CommonOptions.CheckNumerics();
            TorchSharp.torch.set_num_threads(Math.Max(1, result.GetValue(threads)));
            string netName = result.GetValue(net)!;
            string datasetName = result.GetValue(dataset)!;
            bool quick = result.GetValue(profile) == "quick";
            var plan = quick ? ExperimentPlan.Quick(netName) : ExperimentPlan.Full(netName);
            if (result.GetValue(epochs) is int e)
            {
                plan = e >= 1 ? plan with { Epochs = e } : throw new ArgumentException(FormattableString.Invariant($"--epochs must be at least 1, got {e}."));
            }

            if (result.GetValue(learningRate) is double lr)
            {
                plan = double.IsFinite(lr) && lr > 0 ? plan with { LearningRate = lr } : throw new ArgumentException(FormattableString.Invariant($"--lr must be finite and > 0, got {lr}."));
            }

            if (result.GetValue(dwfLearningRate) is double dwfLr)
            {
                plan = double.IsFinite(dwfLr) && dwfLr > 0 ? plan with { DwfLearningRate = dwfLr } : throw new ArgumentException(FormattableString.Invariant($"--dwf-lr must be finite and > 0, got {dwfLr}."));
            }

            // Applied after --lr: the default fine-tuning rate is a tenth of the dense rate.
            var studyOptions = new (string Name, object? Value)[] { ("--effective-lr-cap", result.GetValue(cap)), ("--controller", result.GetValue(controller)), ("--fine-tune", result.GetValue(fineTune)), ("--layer-lambda", result.GetValue(layerLambda)), ("--hold-norms", result.GetValue(holdNorms)), ("--mask-score", result.GetValue(maskScore)) };
            plan = StudyKnobs.From(studyOptions).ApplyTo(plan);

            if (result.GetValue(seeds) is int s)
            {
                plan = s >= 1 ? plan with { Seeds = Enumerable.Range(1, s).Select(i => (long)i).ToArray() } : throw new ArgumentException(FormattableString.Invariant($"--seeds must be at least 1, got {s}."));
            }

            plan = plan with
            {
                DwfLambdas = CommonOptions.ParseList(result.GetValue(lambdas), "--lambdas", plan.DwfLambdas.ToArray()),
                Depths = CommonOptions.ParseList(result.GetValue(depths), "--depths", plan.Depths.Select(d => (double)d).ToArray()).Select(d => (int)d).ToArray(),
                TargetRatios = CommonOptions.ParseList(result.GetValue(targets), "--targets", plan.TargetRatios.ToArray()),
                DwfTargets = CommonOptions.ParseList(result.GetValue(dwfTargets), "--dwf-targets", plan.DwfTargets.ToArray()),
            };
            if (result.GetValue(methods) is string list)
            {
                plan = plan with
                {
                    Methods = CommonOptions.Items(list)
                        .Select(m => Enum.TryParse<Method>(m, ignoreCase: true, out var parsed) ? parsed : throw new ArgumentException($"--methods: unknown method '{m}'; use {string.Join(", ", Enum.GetNames<Method>())}."))
                        .ToArray(),
                };
            }

            if (plan.Depths.Any(d => d < 2) || plan.DwfLambdas.Any(l => !(l >= 0)) || plan.TargetRatios.Any(t => !(t >= 1)) || plan.DwfTargets.Any(t => !(t > 1)))
            {
                throw new ArgumentException("Depths must be ≥ 2, λ ≥ 0, pruning target ratios ≥ 1 and DWF target ratios > 1.");
            }

            string output = result.GetValue(outDirectory) ?? (quick ? Path.Combine("artifacts", "quick", $"{netName}-{datasetName}") : CommonOptions.DefaultResults(netName, datasetName));
            string work = result.GetValue(workDirectory) ?? CommonOptions.DefaultWork(netName, datasetName);
            string commandLine = CommonOptions.CommandLine("experiments", new (string, object?)[] { ("--net", netName), ("--dataset", datasetName), ("--profile", quick ? "quick" : "full"),
                ("--epochs", result.GetValue(epochs)), ("--lr", result.GetValue(learningRate)), ("--dwf-lr", result.GetValue(dwfLearningRate)), ("--seeds", result.GetValue(seeds)), ("--lambdas", result.GetValue(lambdas)), ("--depths", result.GetValue(depths)), ("--targets", result.GetValue(targets)), ("--dwf-targets", result.GetValue(dwfTargets)) }.Concat(studyOptions).Append(("--methods", result.GetValue(methods))).ToArray());
            if (result.GetValue(pretrained) is string start && !File.Exists(start))
            {
                throw new ArgumentException($"--pretrained: {start} does not exist; train the dense model first (experiments --methods dense --out <dir>; its weights are saved in --work-dir).");
            }

            int size = result.GetValue(trainSize);
            if (size < 0)
            {
                throw new ArgumentException(FormattableString.Invariant($"--train-size must be 0 (all images) or positive, got {size}."));
            }

            new ExperimentRunner(netName, CommonOptions.Variant(datasetName), output, work, CommonOptions.DataOptions(result.GetValue(dataDirectory)), commandLine + (result.GetValue(pretrained) is string p ? $" --pretrained {p}" : string.Empty) + (size > 0 ? FormattableString.Invariant($" --train-size {size}") : string.Empty)) { Device = on, Pretrained = result.GetValue(pretrained), TrainSize = size }.Run(plan);
        }));
        return command;
    }
}
