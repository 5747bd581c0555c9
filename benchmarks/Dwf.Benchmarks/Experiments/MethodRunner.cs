using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Verbs;
using Dwf.Numerics;
using Dwf.Serialization;
using Dwf.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Experiments;

/// <summary>Runs one <see cref="RunSpec"/>: every method is trained by the same <see cref="Trainer"/> schedule.</summary>
public static class MethodRunner
{
    /// <summary>
    /// Trains (or prunes) and measures one run. A run whose training diverges (NaN/∞, stopped by the
    /// trainer's guard) is a result too: accuracy and ratios NaN, recorded so sweeps show where it happens.
    /// </summary>
    public static RunResult Run(RunSpec spec, ExperimentContext context)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return Train(spec, context, clock);
        }
        catch (TrainingDivergedException error)
        {
            context.Log($"    diverged: {error.Message}");
            DeleteCheckpoint(spec, context);
            DeleteFineTuneFiles(spec, context);
            return new RunResult(spec, double.NaN, double.NaN, double.NaN, Array.Empty<(string, double)>(), clock.Elapsed.TotalSeconds) { Machine = Machine(context.Device) };
        }
    }

    /// <summary>The CPU and the numerics verdict (and the device, off the CPU), for the results file: floats differ between CPUs and devices.</summary>
    private static string Machine(Device device)
    {
        var numerics = NativeNumerics.EnsureChecked();
        var machine = device.type == TorchSharp.DeviceType.CPU ? $"{numerics.Cpu}; {numerics.Backend}" : $"{numerics.Cpu}; {numerics.Backend}; trained on {device}";
        // In the form runs.csv stores (no commas), so that a fresh row and a row read back group as one machine in the summary.
        return machine.Replace(',', ';');
    }

    private static string CheckpointPath(RunSpec spec, ExperimentContext context) =>
        Path.Combine(context.WorkDirectory, $"run-{StableHash(spec.Key):x16}-{spec.Method}-seed{spec.Seed}.ckpt");

    private static void DeleteCheckpoint(RunSpec spec, ExperimentContext context)
    {
        string checkpoint = CheckpointPath(spec, context);
        if (File.Exists(checkpoint))
        {
            File.Delete(checkpoint);
        }
    }

    private static RunResult Train(RunSpec spec, ExperimentContext context, Stopwatch clock)
    {
        manual_seed(spec.Seed);
        // On the run's device before anything (the L1 regularizer, a pruning mask, the factor store) holds its parameters.
        var model = CommonOptions.Place(Nets.Create(context.Net), context.Device);
        if (context.Pretrained is not null && spec.Method is not (Method.Dense or Method.Dwf or Method.DwfTarget or Method.Gmp or Method.GmpLayer))
        {
            throw new ArgumentException($"--pretrained: {spec.Method} does not start from a trained model here; use dense, dwf, dwftarget, gmp or gmplayer.");
        }

        string checkpoint = CheckpointPath(spec, context);
        var options = new TrainingOptions
        {
            Epochs = spec.Epochs,
            BatchSize = spec.BatchSize,
            LearningRate = spec.LearningRate,
            Momentum = 0.9,
            Seed = spec.Seed,
            Flatten = context.Flatten,
            CheckpointPath = checkpoint,
            Resume = true,
            EffectiveRateCap = context.EffectiveRateCap,
            Device = context.Device,
        };
        // The trainer's per-epoch ratio reads the factorization, so the other methods measure their plain weights.
        var observer = new EpochLogger(spec, context.Log, spec.Method is Method.Dwf or Method.DwfTarget or Method.DwfTune ? null : model);
        var fineTuneObserver = new EpochLogger(spec, context.Log, null); // the DWF phase of a fine-tuned run

        switch (spec.Method)
        {
            case Method.Dense:
            {
                LoadPretrained(model, context);
                new Trainer(model, options with { WeightDecay = spec.Lambda }).Fit(context.Train, context.Test, observer);
                StateDictFile.Save(model, context.DenseModelPath(spec));
                break;
            }

            case Method.Dwf:
            {
                var factorization = context.AttachDwf(model, new FactorizationOptions { Depth = spec.Depth, Lambda = spec.Lambda });
                LoadPretrained(model, context, factorize: true);
                new Trainer(model, options).Fit(context.Train, context.Test, observer);
                factorization.Collapse();
                break;
            }

            case Method.DwfTarget:
            {
                // No λ in the plan: the controller starts from the default λ and steers it to the target.
                var factorization = context.AttachDwf(model, new FactorizationOptions { Depth = spec.Depth });
                LoadPretrained(model, context, factorize: true);
                var control = context.MaskScore is { } score ? (context.ControllerOptions ?? new CompressionControllerOptions()) with { MaskScore = score } : context.ControllerOptions;
                new Trainer(model, options with { TargetCompression = spec.TargetRatio, CompressionControl = control }).Fit(context.Train, context.Test, observer);
                factorization.Collapse(context.ControllerOptions?.CollapseThreshold ?? FactorizationDefaults.CollapseThreshold);
                break;
            }

            case Method.DwfTune:
            {
                model = DwfThenFineTune(spec, context, model, options, fineTuneObserver);
                break;
            }

            case Method.L1:
            {
                var weights = Nets.PrunableWeights(model);
                using var lambda = spec.Lambda.ToScalar();
                var hooks = new TrainingHooks
                {
                    // λ‖W‖₁ with the same λ convention (mean loss) as DWF, whose D = 2 case is exactly this objective.
                    Regularizer = () => weights.Select(w => w.Weight.abs().sum()).Aggregate((a, b) => a.add(b, Scalars.One)).mul(lambda),
                };
                new Trainer(model, options, hooks).Fit(context.Train, context.Test, observer);
                break;
            }

            case Method.Magnitude:
            {
                var dense = spec with { Method = Method.Dense, TargetRatio = 0 };
                string path = context.DenseModelPath(dense);
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"Magnitude pruning needs the trained dense model {path}; run the dense method with the same schedule and seed first.");
                }

                StateDictFile.Load(model, path);
                var weights = Nets.PrunableWeights(model);
                using var mask = PruningMask.KeepTopGlobally(weights, weights.Select(w => w.Weight.detach().abs()).ToList(), spec.TargetRatio);
                mask.Apply();
                break;
            }

            case Method.Gmp:
            case Method.GmpLayer:
            {
                // The trainer's own count of steps (it keeps the last, smaller batch).
                LoadPretrained(model, context);
                long batches = Dwf.Data.BatchLoader.StepsPerEpoch(context.Train.Count, spec.BatchSize, dropLast: false);
                using var pruning = new GradualMagnitudePruning(Nets.PrunableWeights(model), spec.TargetRatio, batches * spec.Epochs) { PerLayer = spec.Method == Method.GmpLayer };
                new Trainer(model, options, new TrainingHooks { AfterStepAt = pruning.OnStep }).Fit(context.Train, context.Test, observer);
                pruning.Finish();
                break;
            }

            default:
            {
                using var mask = PruningAtInitialization(spec, model, context);
                mask.Apply();
                var hooks = new TrainingHooks { AfterStep = mask.Apply };
                new Trainer(model, options, hooks).Fit(context.Train, context.Test, observer);
                mask.Apply();
                break;
            }
        }

        var (_, accuracy) = Evaluation.Evaluate(model, context.Test, 1000, context.Flatten);
        var (ratio, layers) = Sparsity.Measure(model, Sparsity.Threshold);
        var (ratio1e3, _) = Sparsity.Measure(model, 1e-3);
        DeleteCheckpoint(spec, context);
        DeleteFineTuneFiles(spec, context);
        model.Dispose();
        return new RunResult(spec, accuracy, ratio, ratio1e3, layers, clock.Elapsed.TotalSeconds) { Machine = Machine(context.Device), Recoveries = observer.Recoveries + fineTuneObserver.Recoveries };
    }

    // The conversion path: the plain model's trained weights, factorized from their values for the DWF runs.
    private static void LoadPretrained(nn.Module model, ExperimentContext context, bool factorize = false)
    {
        if (context.Pretrained is not string path)
        {
            return;
        }

        if (factorize)
        {
            StateDictFile.LoadDenseAndFactorize(model, path);
        }
        else
        {
            StateDictFile.Load(model, path);
        }
    }

    // The DWF target run over the first epochs, collapsed and saved (so a restart skips it), then its non-zero weights
    // trained on as plain weights with the zeros held: the model returned is a fresh, unfactorized one.
    private static nn.Module<Tensor, Tensor> DwfThenFineTune(RunSpec spec, ExperimentContext context, nn.Module<Tensor, Tensor> model, TrainingOptions options, EpochLogger dwfPhase)
    {
        var (dwfEpochs, tuneEpochs) = context.FineTune.Split(spec.Epochs);
        string collapsed = FineTunePath(spec, context, "collapsed.dat");
        if (!File.Exists(collapsed))
        {
            var factorization = context.AttachDwf(model, new FactorizationOptions { Depth = spec.Depth });
            dwfPhase.Spec = spec with { Epochs = dwfEpochs };
            new Trainer(model, options with { Epochs = dwfEpochs, TargetCompression = spec.TargetRatio, CompressionControl = context.ControllerOptions })
                .Fit(context.Train, context.Test, dwfPhase);
            factorization.Collapse();
            StateDictFile.Save(model, collapsed);
            context.Log(FormattableString.Invariant($"    DWF phase done ({dwfEpochs} epochs): CR {SparsityReport.FormatRatio(Sparsity.Measure(model, Sparsity.Threshold).Global)}; fine-tuning the survivors for {tuneEpochs} epochs"));
        }

        model.Dispose();
        var plain = CommonOptions.Place(Nets.Create(context.Net), context.Device);
        StateDictFile.Load(plain, collapsed);
        var weights = Nets.PrunableWeights(plain);
        using var mask = PruningMask.FromPattern(weights, weights.Select(w => w.Weight.detach()).ToList());
        var tuneOptions = options with
        {
            Epochs = tuneEpochs,
            LearningRate = context.FineTune.LearningRate,
            CheckpointPath = FineTunePath(spec, context, "fine-tune.ckpt"),
        };
        new Trainer(plain, tuneOptions, new TrainingHooks { AfterStep = mask.Apply }).Fit(context.Train, context.Test, new EpochLogger(spec with { Epochs = tuneEpochs }, context.Log, plain));
        mask.Apply();
        return plain;
    }

    private static string FineTunePath(RunSpec spec, ExperimentContext context, string suffix) =>
        Path.ChangeExtension(CheckpointPath(spec, context), null) + "-" + suffix;

    private static void DeleteFineTuneFiles(RunSpec spec, ExperimentContext context)
    {
        foreach (var suffix in new[] { "collapsed.dat", "fine-tune.ckpt" })
        {
            string path = FineTunePath(spec, context, suffix);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    private static PruningMask PruningAtInitialization(RunSpec spec, nn.Module<Tensor, Tensor> model, ExperimentContext context)
    {
        using var scope = NewDisposeScope();
        var weights = Nets.PrunableWeights(model);
        switch (spec.Method)
        {
            case Method.Random:
                return PruningMask.KeepTopGlobally(weights, PruningScores.Random(weights, spec.Seed), spec.TargetRatio);
            case Method.Snip:
            {
                var (images, labels) = PruningScores.ScoringBatch(context.Train, 512, spec.Seed, context.Flatten, context.Device);
                return PruningMask.KeepTopGlobally(weights, PruningScores.Snip(model, weights, images, labels), spec.TargetRatio);
            }

            case Method.Grasp:
            {
                var (images, labels) = PruningScores.ScoringBatch(context.Train, 512, spec.Seed, context.Flatten, context.Device);
                return PruningMask.KeepTopGlobally(weights, PruningScores.Grasp(model, weights, images, labels), spec.TargetRatio);
            }

            case Method.SynFlow:
                return PruningScores.SynFlow(() => CommonOptions.Place(Nets.Create(context.Net), context.Device), model, context.InputShape, spec.TargetRatio);
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Method, "Not a pruning-at-initialization method.");
        }
    }

    // FNV-1a: string.GetHashCode is randomized per process, and the checkpoint name must survive a restart.
    private static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private sealed class EpochLogger(RunSpec spec, Action<string> log, nn.Module? plainModel) : ITrainingObserver
    {
        public RunSpec Spec { get; set; } = spec;

        /// <summary>Rollbacks of the run so far (from the epochs' metrics, so those before a resume count too).</summary>
        public int Recoveries { get; private set; }

        public void OnDivergenceRecovered(DivergenceRecoveryEvent recovery) => log("    " + recovery);

        public void OnEpochEnd(EpochMetrics metrics)
        {
            Recoveries = metrics.Recoveries;
            if (metrics.Epoch == 1 || metrics.Epoch % 5 == 0 || metrics.Epoch == Spec.Epochs)
            {
                double ratio = plainModel is null ? metrics.CompressionRatio : Sparsity.Measure(plainModel, Sparsity.Threshold).Global;
                double ratio1e3 = plainModel is null ? metrics.CompressionRatioAt1e3 : Sparsity.Measure(plainModel, 1e-3).Global;
                string steering = metrics.TargetCompression is double target
                    ? FormattableString.Invariant($", target {target:G4}, projected {SparsityReport.FormatRatio(metrics.ProjectedCompression ?? 1)}, λ {metrics.Lambda:G3}, mask by {MaskName(metrics.MaskScore)}")
                    : string.Empty;
                log(FormattableString.Invariant($"    epoch {metrics.Epoch}/{Spec.Epochs}: loss {metrics.TrainLoss:F4}, test accuracy {metrics.TestAccuracy * 100:F2} %, CR {SparsityReport.FormatRatio(ratio)} (at 1e-3: {SparsityReport.FormatRatio(ratio1e3)}){steering}, {metrics.Seconds:F1} s"));
            }
        }

        public void OnResume(string path, int epoch, long batchesDone) =>
            log(FormattableString.Invariant($"    resumed from {path} at epoch {epoch}, batch {batchesDone}"));

        // The automatic choice resolved, so a log says which ranking a run used.
        private static string MaskName(MaskScore? score) => score switch
        {
            MaskScore.SynapticFlow => "synaptic flow",
            MaskScore.LayerAdaptive => "layer-adaptive magnitude",
            _ => "magnitude",
        };
    }
}
