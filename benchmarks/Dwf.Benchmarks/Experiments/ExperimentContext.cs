using System;
using System.IO;
using Dwf.Data;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Experiments;

/// <summary>What every run of one net/dataset pair shares.</summary>
/// <param name="Net">Network name (lenet300, lenet5).</param>
/// <param name="Train">Training set (normalized).</param>
/// <param name="Test">Test set (normalized).</param>
/// <param name="WorkDirectory">Where trained dense models are kept for magnitude pruning (not committed).</param>
/// <param name="Log">Progress lines.</param>
public sealed record ExperimentContext(string Net, ImageClassificationDataset Train, ImageClassificationDataset Test, string WorkDirectory, Action<string> Log)
{
    /// <summary>The DWF runs' effective learning-rate cap (<see cref="TrainingOptions.EffectiveRateCap"/>; for studies of the default).</summary>
    public double EffectiveRateCap { get; init; } = FactorizationDefaults.EffectiveRateCap;

    /// <summary>The compression controller's settings for the target runs (null: the library defaults; for studies of them).</summary>
    public CompressionControllerOptions? ControllerOptions { get; init; }

    /// <summary>
    /// A trained plain model (state dict) every run starts from instead of a random initialization: the conversion of a
    /// pretrained network (DWF runs factorize its weights, <c>LoadDenseAndFactorize</c>; dense and GMP runs load it).
    /// </summary>
    public string? Pretrained { get; init; }

    /// <summary>Whether the DWF runs scale each layer's λ by its fan-in (<see cref="LambdaScaling.FanIn"/>; for studies of the single global λ).</summary>
    public bool FanInScaledLambda { get; init; }

    /// <summary>The DWF runs' factorization plan: the options at class level, with λ scaled by fan-in when <see cref="FanInScaledLambda"/> is set.</summary>
    public FactorizationPlan DwfPlan(FactorizationOptions options) =>
        new(FanInScaledLambda ? options with { LambdaScaling = LambdaScaling.FanIn } : options, Net);

    /// <summary>Whether the DWF runs hold scale-invariant weights at their channel norms (<see cref="Factorization.HoldScaleInvariantNorms"/>; false for studies of the paper's formulation).</summary>
    public bool HoldScaleInvariantNorms { get; init; } = true;

    /// <summary>How the DWF runs hold those norms (<see cref="Factorization.ScaleInvariantNormHold"/>).</summary>
    public NormHold NormHold { get; init; } = NormHold.AtLeast;

    /// <summary>How the target runs' mask ranks weights (null: the library's default).</summary>
    public MaskScore? MaskScore { get; init; }

    /// <summary>Attaches DWF to <paramref name="model"/> as every DWF run of this context does: <see cref="DwfPlan"/>, norms held or not.</summary>
    public Factorization AttachDwf(TorchSharp.torch.nn.Module model, FactorizationOptions options)
    {
        var factorization = Factorization.Attach(model, DwfPlan(options));
        factorization.HoldScaleInvariantNorms = HoldScaleInvariantNorms;
        factorization.ScaleInvariantNormHold = NormHold;
        return factorization;
    }

    /// <summary>The fine-tuning phase of the <see cref="Method.DwfTune"/> runs.</summary>
    public FineTuneSchedule FineTune { get; init; } = FineTuneSchedule.Default(0.1);

    /// <summary>Where every run trains; models are moved there as soon as they are built (before masks or hooks hold their parameters).</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Whether the net takes flattened images.</summary>
    public bool Flatten => Nets.Flatten(Net);

    /// <summary>Input shape of one example (for data-free scores).</summary>
    public long[] InputShape => Flatten ? new long[] { 1, 784 } : new long[] { 1, 1, 28, 28 };

    /// <summary>The saved trained dense model for a seed and schedule.</summary>
    public string DenseModelPath(RunSpec dense) =>
        Path.Combine(WorkDirectory, $"dense-wd{dense.Lambda:R}-lr{dense.LearningRate:R}-e{dense.Epochs}-b{dense.BatchSize}-seed{dense.Seed}.dat".Replace(',', '.'));
}
