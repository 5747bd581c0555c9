using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Data;
using Dwf.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="History">Metrics per epoch (including epochs restored from a checkpoint).</param>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History)
{
    /// <summary>The last epoch's metrics.</summary>
    public EpochMetrics Final => History[^1];
}

/// <summary>
/// A plain, reproducible image-classification training loop for factorized and dense TorchSharp models:
/// SGD with momentum, per-step cosine schedule, cross-entropy (mean over the batch, the convention λ
/// refers to), evaluation after every epoch, atomic checkpoints (every epoch and on cancellation) that
/// resume exactly, and a guard against NaN/∞: a factorized model's run is rolled back to a good step with the
/// effective-rate bound halved (<see cref="DivergenceRecovery"/>, at most <see cref="TrainingOptions.DivergenceRecoveries"/>
/// times); any other run, or one with no rollback left, stops with an error that names the step and the layer.
/// With a target compression ratio (<see cref="TrainingOptions.TargetCompression"/>, or the class's
/// <c>[Factorize(TargetCompression = …)]</c>) a <see cref="CompressionController"/> steers λ.
/// </summary>
/// <remarks>
/// For a factorized model (one with a <see cref="Factorization"/>) the optimizer is its
/// <see cref="Factorization.CreateSgd"/>; otherwise plain SGD over all parameters, or
/// <see cref="TrainingHooks.OptimizerFactory"/>. Same seed, same data, same numbers (on the same device: a GPU's
/// kernels round differently). <see cref="TrainingOptions.Device"/> picks where it trains; on the CPU the
/// factorized SGD step is a fused kernel, elsewhere the same update runs as tensor operations.
/// </remarks>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly TrainingOptions _options;
    private readonly TrainingHooks _hooks;

    /// <summary>Creates a trainer for <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and the fix.</exception>
    /// <exception cref="DeviceUnavailableException"><see cref="TrainingOptions.Device"/> is not available in this process.</exception>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainingOptions options, TrainingHooks? hooks = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _hooks = hooks ?? new TrainingHooks();
        _options.Validate();
        if (_options.TargetCompression is double target && Factorization.Find(_model) is null)
        {
            throw new ArgumentException(
                $"TrainingOptions.TargetCompression = {target.ToString("G4", CultureInfo.InvariantCulture)} needs a factorized model ([Factorize] or Factorization.Attach); {_model.GetType().Name} is not factorized.",
                nameof(options));
        }

        NativeNumerics.EnsureChecked();
        if (_options.Device is { } device)
        {
            // Before any work: a missing CUDA backend is a setup problem, said in one line, not a trace from deep in Fit.
            Devices.EnsureAvailable(device);
        }
    }

    /// <summary>The optimizer of the last <see cref="Fit"/> call.</summary>
    public optim.Optimizer? Optimizer { get; private set; }

    /// <summary>Trains on <paramref name="train"/>, evaluating on <paramref name="test"/> after every epoch.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; a checkpoint was written first if a path is set.</exception>
    /// <exception cref="TrainingDivergedException">A NaN/∞ appeared; the last checkpoint is left intact.</exception>
    public TrainingResult Fit(ImageClassificationDataset train, ImageClassificationDataset test, ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        observer ??= NullObserver.Instance;
        var o = _options;
        var device = PlaceModel();
        var factorization = Factorization.Find(_model);
        var optimizer = factorization is not null
            ? factorization.CreateSgd(o.LearningRate, o.Momentum, o.Nesterov, o.WeightDecay, effective_lr_cap: o.EffectiveRateCap)
            : _hooks.OptimizerFactory?.Invoke() ?? optim.SGD(_model.parameters(), o.LearningRate, o.Momentum, nesterov: o.Nesterov, weight_decay: o.WeightDecay);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups.ToList();
        var initialRates = groups.Select(g => g.LearningRate).ToArray();

        // The data stay where they are (usually host memory); each batch is gathered there and then sent to the model.
        using var loader = train.Batches(o.BatchSize, shuffle: true, seed: o.Seed, dropLast: false, flatten: o.Flatten, device: device);
        long batchesPerEpoch = loader.BatchesPerEpoch;
        long totalSteps = batchesPerEpoch * o.Epochs;

        var controller = CreateController(factorization, optimizer, totalSteps);
        var factorizedSgd = optimizer as FactorizedSgd;
        var progress = new TrainingProgress(0, 0, 0, 0, 0, o.Seed, Array.Empty<EpochMetrics>());
        if (o.Resume && File.Exists(o.CheckpointPath))
        {
            // Seed and λ mode are checked before anything is loaded, so a refused checkpoint leaves the model as it was.
            progress = TrainingCheckpoint.Load(o.CheckpointPath!, _model, optimizer, saved => CheckResumable(saved, controller));
            controller?.load_state_dict(progress.Controller!);
            if (factorizedSgd is not null && progress.EffectiveRateCap is double savedCap)
            {
                factorizedSgd.EffectiveRateCap = savedCap; // lowered by rollbacks before the interruption
            }

            observer.OnResume(o.CheckpointPath!, progress.EpochsCompleted, progress.BatchesDone);
        }
        else
        {
            manual_seed(o.Seed);
        }

        var history = new List<EpochMetrics>(progress.History);
        long globalStep = progress.GlobalStep;
        using var recovery = factorizedSgd is not null && o.DivergenceRecoveries > 0
            ? new DivergenceRecovery(_model, factorizedSgd, o.DivergenceRecoveries, globalStep)
            : null;
        recovery?.RestoreCount(progress.Recoveries);
        TrainingProgress Progress(int epochsCompleted, long batchesDone, double epochLossSum, double epochSeconds) =>
            new(epochsCompleted, batchesDone, globalStep, epochLossSum, epochSeconds, o.Seed, history)
            {
                Controller = controller?.state_dict(),
                EffectiveRateCap = factorizedSgd?.EffectiveRateCap,
                Recoveries = recovery?.Recoveries ?? 0,
            };

        // A NaN/∞: rolled back (the caller goes on with the next batch) or, with no rollback left, the run stops.
        void RecoverOrThrow(int epoch, long batch, string what, string? parameter)
        {
            if (recovery is null || !recovery.CanRecover)
            {
                throw Diverged(epoch, globalStep, batch, batchesPerEpoch, what, parameter, history, recovery);
            }

            observer.OnDivergenceRecovered(recovery.Recover(globalStep, what));
        }

        // One SGD step on one batch; a NaN/∞ in the loss, a gradient (on check steps) or a weight after the step
        // (on check steps) is returned instead of thrown, so the loop decides once whether to roll back.
        NonFiniteStep? TrainBatch(Tensor images, Tensor labels, bool check, out double lossValue)
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(_model.call(images), labels);
            lossValue = loss.to(float64).item<double>();
            if (!double.IsFinite(lossValue))
            {
                // Between checks a NaN gradient reaches the weights and shows up as a NaN loss: name the layer it broke.
                var brokenWeight = NonFiniteGuard.FirstNonFinite(_model, gradients: false, values: true);
                string where = brokenWeight is { } broken ? $"; the first non-finite weight is '{broken.Name}'" : "; every weight is finite";
                return new NonFiniteStep($"the loss is {Format(lossValue)}{where}", brokenWeight?.Name);
            }

            var objective = _hooks.Regularizer is null ? loss : loss.add(_hooks.Regularizer(), Scalars.One);
            objective.backward();
            if (check && NonFiniteGuard.FirstNonFinite(_model, gradients: true, values: false) is { } badGradient)
            {
                return new NonFiniteStep($"the {badGradient.Kind} of '{badGradient.Name}' is not finite", badGradient.Name);
            }

            optimizer.step();
            _hooks.AfterStep?.Invoke();
            _hooks.AfterStepAt?.Invoke(globalStep);
            controller?.step();
            if (check && NonFiniteGuard.FirstNonFinite(_model, gradients: false, values: true) is { } badWeight)
            {
                return new NonFiniteStep($"the {badWeight.Kind} '{badWeight.Name}' is not finite after the step", badWeight.Name);
            }

            return null;
        }

        for (int epoch = progress.EpochsCompleted; epoch < o.Epochs; epoch++)
        {
            bool resumingThisEpoch = epoch == progress.EpochsCompleted && progress.BatchesDone > 0;
            long skip = resumingThisEpoch ? progress.BatchesDone : 0;
            double lossSum = resumingThisEpoch ? progress.EpochLossSum : 0;
            double seconds = resumingThisEpoch ? progress.EpochSeconds : 0;
            observer.OnEpochStart(epoch + 1, o.Epochs, batchesPerEpoch - skip);
            _model.train();
            var clock = Stopwatch.StartNew();
            long batch = 0;
            foreach (var (images, labels) in loader.Epoch(epoch))
            {
                // The loader's batches belong to the caller: this step's scope frees them with its temporaries.
                using var scope = NewDisposeScope();
                scope.Attach(images, labels);
                if (batch < skip)
                {
                    batch++; // already trained on before the interruption (the order is a function of seed and epoch)
                    continue;
                }

                double factor = CosineSchedule.Factor(globalStep, totalSteps);
                for (int g = 0; g < groups.Count; g++)
                {
                    groups[g].LearningRate = initialRates[g] * factor;
                }

                bool check = globalStep % o.NonFiniteCheckInterval == 0;
                if (TrainBatch(images, labels, check, out double lossValue) is { } failure)
                {
                    RecoverOrThrow(epoch, batch, failure.What, failure.Parameter);
                    globalStep++; // the batch is used up and the schedule goes on; its loss is not counted
                    batch++;
                    continue;
                }

                lossSum += lossValue;
                globalStep++;
                batch++;
                if (check)
                {
                    recovery?.MarkGood(globalStep); // loss, gradients and weights of this step were all checked
                }

                observer.OnBatch(epoch + 1, batch, batchesPerEpoch, lossValue);

                if (cancellation.IsCancellationRequested)
                {
                    seconds += clock.Elapsed.TotalSeconds;
                    if (o.CheckpointPath is not null)
                    {
                        TrainingCheckpoint.Save(o.CheckpointPath, _model, optimizer, Progress(epoch, batch, lossSum, seconds));
                        observer.OnCheckpoint(o.CheckpointPath, epoch, batch);
                    }

                    cancellation.ThrowIfCancellationRequested();
                }
            }

            seconds += clock.Elapsed.TotalSeconds;
            if (NonFiniteGuard.FirstNonFinite(_model, gradients: false, values: true) is { } badAtEnd)
            {
                RecoverOrThrow(epoch, batch, $"the {badAtEnd.Kind} '{badAtEnd.Name}' is not finite at the end of the epoch", badAtEnd.Name);
            }

            RecalibrateNormalization(train, epoch, device);
            var (testLoss, accuracy) = Evaluation.Evaluate(_model, test, o.EvaluationBatchSize, o.Flatten, device);
            var sparsity = factorization?.Sparsity();
            var sparsity1e3 = factorization?.Sparsity(1e-3);
            var metrics = new EpochMetrics(
                epoch + 1,
                lossSum / Math.Max(1, batchesPerEpoch),
                testLoss,
                accuracy,
                sparsity?.CompressionRatio ?? 1.0,
                sparsity1e3?.CompressionRatio ?? 1.0,
                groups[^1].LearningRate,
                seconds)
            {
                Lambda = factorization?.Weights.FirstOrDefault(w => !w.IsCollapsed)?.Lambda,
                TargetCompression = controller?.TargetCompression,
                ProjectedCompression = controller?.LastProjectedCompression,
                MaskScore = controller?.MaskScore,
                EffectiveRateCap = factorizedSgd?.EffectiveRateCap,
                Recoveries = recovery?.Recoveries ?? 0,
            };
            history.Add(metrics);
            observer.OnEpochEnd(metrics);
            if (o.CheckpointPath is not null)
            {
                TrainingCheckpoint.Save(o.CheckpointPath, _model, optimizer, Progress(epoch + 1, 0, 0, 0));
                observer.OnCheckpoint(o.CheckpointPath, epoch + 1, 0);
            }
        }

        return new TrainingResult(history);
    }

    /// <summary>
    /// Moves the model to <see cref="TrainingOptions.Device"/> (if set and elsewhere) and returns the device it trains on.
    /// Before the optimizer exists: <c>.to()</c> replaces TorchSharp's parameters, and an optimizer holds them.
    /// </summary>
    // BatchNorm's running statistics for the weights of the end of the epoch, from batches of a loader of their own (the
    // training order and its random state are untouched, so a resumed run stays identical).
    private void RecalibrateNormalization(ImageClassificationDataset train, int epoch, Device device)
    {
        var o = _options;
        if (o.NormalizationRecalibrationBatches == 0 || NormalizationStatistics.TrackingLayers(_model).Count == 0)
        {
            return;
        }

        using var loader = train.Batches(o.BatchSize, shuffle: true, seed: unchecked(o.Seed * 7919 + 17), dropLast: false, flatten: o.Flatten, device: device);
        NormalizationStatistics.Recalibrate(_model, loader.Epoch(epoch).Take(o.NormalizationRecalibrationBatches).Select(b => b.images));
    }

    private Device PlaceModel()
    {
        var current = Devices.Of(_model);
        if (_options.Device is not { } wanted || Devices.Same(current, wanted))
        {
            return current;
        }

        _model.to(wanted);
        return Devices.Of(_model);
    }

    /// <summary>The controller that steers λ when a target ratio is set (options first, then the model's attribute).</summary>
    private CompressionController? CreateController(Factorization? factorization, optim.Optimizer optimizer, long totalSteps)
    {
        // The constructor has checked that a target in the options comes with a factorized model.
        double? target = _options.TargetCompression ?? factorization?.Plan.Options.TargetCompression;
        if (target is not double ratio || factorization is null)
        {
            return null;
        }

        return new CompressionController(optimizer, ratio, totalSteps, _options.CompressionControl);
    }

    private void CheckResumable(TrainingProgress saved, CompressionController? controller)
    {
        if (saved.Seed != _options.Seed)
        {
            throw new InvalidOperationException($"{_options.CheckpointPath}: written with seed {saved.Seed}, resumed with seed {_options.Seed}; use the same seed (or start over without --resume).");
        }

        if (controller is null && saved.Controller is not null)
        {
            throw new InvalidOperationException($"{_options.CheckpointPath}: the checkpoint was written by a run that steered λ to CR {saved.Controller.TargetCompression.ToString("G4", CultureInfo.InvariantCulture)}; resume it with the same target.");
        }

        if (controller is not null && saved.Controller is null)
        {
            throw new InvalidOperationException($"{_options.CheckpointPath}: the checkpoint was written by a run with a fixed λ; resume it without a target compression ratio (or start over).");
        }

        if (controller is not null)
        {
            controller.ThrowIfIncompatible(saved.Controller!);
        }
    }

    private TrainingDivergedException Diverged(int epoch, long step, long batch, long batches, string what, string? parameter, IReadOnlyList<EpochMetrics> history, DivergenceRecovery? recovery)
    {
        string checkpoint = _options.CheckpointPath is null
            ? "No checkpoint was configured."
            : File.Exists(_options.CheckpointPath)
                ? $"The last good checkpoint ({history.Count} epochs) is intact at {_options.CheckpointPath}."
                : "No checkpoint had been written yet.";
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"Training diverged in epoch {epoch + 1}, step {step} (batch {batch + 1} of {batches}): {what}.{RollbacksTaken(recovery)} {checkpoint} Lower the learning rate (peak {_options.LearningRate}), λ or the effective-rate cap and start again.");
        return new TrainingDivergedException(message, epoch + 1, step, parameter);
    }

    private static string RollbacksTaken(DivergenceRecovery? recovery) => recovery is { Recoveries: > 0 } taken
        ? string.Create(CultureInfo.InvariantCulture, $" It had been rolled back {taken.Recoveries} time(s) already (the most allowed: TrainingOptions.DivergenceRecoveries = {taken.MaxRecoveries}).")
        : string.Empty;

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>What went non-finite in a training step, and in which parameter if one is known.</summary>
    private sealed record NonFiniteStep(string What, string? Parameter);

    private sealed class NullObserver : ITrainingObserver
    {
        public static readonly NullObserver Instance = new();
    }
}
