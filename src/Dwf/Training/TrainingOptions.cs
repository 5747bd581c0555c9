using System;
using System.Globalization;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>
/// Settings of a <see cref="Trainer"/> run: SGD with momentum and a per-step cosine learning-rate
/// schedule from <see cref="LearningRate"/> down to 0 (the schedule of the DWF paper's experiments).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Number of passes over the training set.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>
    /// Peak learning rate of the dense parameters; factor groups use it times
    /// <see cref="DepthLearningRate.Multiplier"/>.
    /// </summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>
    /// Bound on a factorized weight's effective learning rate, as a multiple of <see cref="LearningRate"/>
    /// (<see cref="FactorizedSgd.EffectiveRateCap"/>; default 5, <see cref="double.PositiveInfinity"/> for none).
    /// </summary>
    public double EffectiveRateCap { get; init; } = FactorizationDefaults.EffectiveRateCap;

    /// <summary>
    /// How many times a factorized run that produces a NaN/∞ is rolled back instead of stopped (default 3): the weights
    /// of a good step at least 100 steps earlier are restored, the momentum is reset and <see cref="EffectiveRateCap"/>
    /// is halved (<see cref="DivergenceRecovery"/>). 0 stops at the first NaN/∞ with <see cref="TrainingDivergedException"/>,
    /// as does a run without a bound. Dense models are always stopped.
    /// </summary>
    public int DivergenceRecoveries { get; init; } = 3;

    /// <summary>
    /// The compression ratio wanted at the end of training (&gt; 1): λ is then steered by a
    /// <see cref="CompressionController"/> instead of being fixed. <c>null</c> (default) takes the model's
    /// <c>[Factorize(TargetCompression = …)]</c> if it has one, else trains with the plan's fixed λ.
    /// </summary>
    public double? TargetCompression { get; init; }

    /// <summary>How the controller steers λ when there is a target (defaults: <see cref="CompressionControllerOptions"/>).</summary>
    public CompressionControllerOptions? CompressionControl { get; init; }

    /// <summary>Weight decay (L2) of the parameters that are not factorized.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Seed of the batch order and of TorchSharp's random generator.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// Where to train, e.g. <c>torch.CUDA</c> or <c>Devices.Resolve("cuda:1")</c>: <see cref="Trainer.Fit"/> moves the
    /// model there with <c>.to(device)</c> before it creates the optimizer, and sends every batch (training and
    /// evaluation) there; the datasets stay where they are. <c>null</c> (default): the device the model is on.
    /// </summary>
    /// <remarks>
    /// <c>.to(device)</c> replaces TorchSharp's parameters: anything that holds the model's parameters from before
    /// <see cref="Trainer.Fit"/> (a <see cref="TrainingHooks.Regularizer"/> closure, a pruning mask) must be built
    /// after moving the model yourself. Checkpoints load on any device: they are written from, and read into, the
    /// model wherever it is. A CUDA device that is not available is refused when the <see cref="Trainer"/> is created
    /// (<see cref="DeviceUnavailableException"/>).
    /// </remarks>
    public Device? Device { get; init; }

    /// <summary>Flatten images to vectors (for MLPs such as LeNet-300-100).</summary>
    public bool Flatten { get; init; }

    /// <summary>Where to write checkpoints (after each epoch and on cancellation); null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/> if it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Check gradients and weights for NaN/∞ every this many steps (the loss is checked every step).</summary>
    public int NonFiniteCheckInterval { get; init; } = 25;

    /// <summary>
    /// Before each evaluation, re-estimate BatchNorm's running statistics from this many training batches
    /// (<see cref="NormalizationStatistics.Recalibrate"/>; default 20, 0 for never). Only models with such layers are
    /// affected; training itself is not (train mode uses each batch's own statistics), only what eval mode computes.
    /// </summary>
    public int NormalizationRecalibrationBatches { get; init; } = 20;

    /// <summary>Batch size used for evaluation (no gradients).</summary>
    public int EvaluationBatchSize { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad option and the fix.</summary>
    public void Validate()
    {
        Require(Epochs >= 1, nameof(Epochs), Epochs, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate, "must be finite and > 0");
        Require(double.IsFinite(Momentum) && Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "must be finite and ≥ 0");
        Require(TargetCompression is not double target || CompressionController.IsValidTarget(target), nameof(TargetCompression), TargetCompression ?? 0, "must be " + CompressionController.TargetRule);
        Require(EffectiveRateCap > 0, nameof(EffectiveRateCap), EffectiveRateCap, "must be > 0 (double.PositiveInfinity for no bound)");
        Require(DivergenceRecoveries >= 0, nameof(DivergenceRecoveries), DivergenceRecoveries, "must be ≥ 0 (0: stop at the first NaN/∞)");
        Require(!Nesterov || Momentum > 0, nameof(Nesterov), Nesterov, "needs Momentum > 0");
        Require(NonFiniteCheckInterval >= 1, nameof(NonFiniteCheckInterval), NonFiniteCheckInterval, "must be at least 1");
        Require(NormalizationRecalibrationBatches >= 0, nameof(NormalizationRecalibrationBatches), NormalizationRecalibrationBatches, "must be ≥ 0 (0: never)");
        Require(EvaluationBatchSize >= 1, nameof(EvaluationBatchSize), EvaluationBatchSize, "must be at least 1");
        Require(!Resume || CheckpointPath is not null, nameof(Resume), Resume, "needs a CheckpointPath");
    }

    private static void Require(bool condition, string name, object value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"TrainingOptions.{name} {rule}, got {value}."));
        }
    }
}
