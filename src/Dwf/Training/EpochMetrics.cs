namespace Dwf.Training;

/// <summary>What one epoch achieved. Compression ratios are over the factorized weights (1 for a dense model).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (without the penalty).</param>
/// <param name="TestLoss">Mean test loss.</param>
/// <param name="TestAccuracy">Test accuracy in [0, 1].</param>
/// <param name="CompressionRatio">Compression ratio at the collapse threshold (1.19e-7): what Collapse() would give now.</param>
/// <param name="CompressionRatioAt1e3">Compression ratio counting |W| &lt; 1e-3 as zero (weights still dying).</param>
/// <param name="LearningRate">Learning rate of the dense parameters at the end of the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training steps.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TestLoss,
    double TestAccuracy,
    double CompressionRatio,
    double CompressionRatioAt1e3,
    double LearningRate,
    double Seconds)
{
    /// <summary>λ at the end of the epoch (of the first factorized weight); <c>null</c> for a dense model.</summary>
    public double? Lambda { get; init; }

    /// <summary>The final compression ratio asked for, when a <see cref="CompressionController"/> steers λ; otherwise <c>null</c>.</summary>
    public double? TargetCompression { get; init; }

    /// <summary>The controller's projected final ratio at the end of the epoch (with <see cref="TargetCompression"/>).</summary>
    public double? ProjectedCompression { get; init; }

    /// <summary>How the controller's mask ranks weights (<see cref="CompressionController.MaskScore"/>, the automatic choice resolved), with <see cref="TargetCompression"/>.</summary>
    public MaskScore? MaskScore { get; init; }

    /// <summary>The factorized optimizer's effective-rate cap at the end of the epoch (lowered by rollbacks); <c>null</c> for a dense model.</summary>
    public double? EffectiveRateCap { get; init; }

    /// <summary>Rollbacks after a NaN/∞ so far in the run (<see cref="DivergenceRecovery"/>).</summary>
    public int Recoveries { get; init; }
}
