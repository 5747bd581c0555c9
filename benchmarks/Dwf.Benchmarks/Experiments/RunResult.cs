using System.Collections.Generic;

namespace Dwf.Benchmarks.Experiments;

/// <summary>What a run measured. Compression ratios count exact zeros after collapse (|W| &lt; 1.19e-7).</summary>
/// <param name="Spec">The run.</param>
/// <param name="TestAccuracy">Test accuracy of the final (collapsed / pruned) model, in [0, 1].</param>
/// <param name="CompressionRatio">Total / non-zero weights of the prunable layers at the 1.19e-7 threshold.</param>
/// <param name="CompressionRatioAt1e3">The same counting |W| &lt; 1e-3 as zero (an extra column, never the reported one).</param>
/// <param name="LayerRatios">Per-layer compression ratios, in layer order.</param>
/// <param name="WallSeconds">Wall time of the run (training and evaluation).</param>
public sealed record RunResult(RunSpec Spec, double TestAccuracy, double CompressionRatio, double CompressionRatioAt1e3, IReadOnlyList<(string Layer, double Ratio)> LayerRatios, double WallSeconds)
{
    /// <summary>
    /// Where the run was made: the CPU and the native-numerics verdict (oneDNN as shipped or switched off), e.g.
    /// <c>AMD EPYC (AuthenticAMD family 26 model 2; AVX-512); oneDNN switched off</c>. Empty for rows written before
    /// the harness recorded it.
    /// </summary>
    public string Machine { get; init; } = string.Empty;

    /// <summary>How many times training was rolled back after a NaN/∞ (<see cref="Dwf.Training.DivergenceRecovery"/>); 0 for rows from before.</summary>
    public int Recoveries { get; init; }
}
