using System.Collections.Generic;

namespace Dwf;

/// <summary>Sparsity of one factorized weight.</summary>
/// <param name="Path">State-dict key of the weight (e.g. <c>fc1.weight</c>).</param>
/// <param name="Shape">Shape of the weight.</param>
/// <param name="Depth">Number of factors D.</param>
/// <param name="Lambda">Penalty strength λ.</param>
/// <param name="TotalWeights">Number of entries.</param>
/// <param name="NonZeroWeights">Entries with |W| ≥ the report's threshold (non-zero after collapse).</param>
/// <param name="QuasiNorm">‖W‖_{2/D}^{2/D} = Σ_j |W_j|^(2/D), the quantity the penalty controls (λ times it is the equivalent penalty).</param>
/// <param name="IsCollapsed">Whether the weight has been collapsed.</param>
public sealed record LayerSparsity(
    string Path,
    IReadOnlyList<long> Shape,
    int Depth,
    double Lambda,
    long TotalWeights,
    long NonZeroWeights,
    double QuasiNorm,
    bool IsCollapsed)
{
    /// <summary>TotalWeights / NonZeroWeights (∞ when every entry is zero).</summary>
    public double CompressionRatio => SparsityReport.Ratio(TotalWeights, NonZeroWeights);

    /// <summary>Fraction of zero entries, 1 − NonZero/Total.</summary>
    public double Sparsity => TotalWeights == 0 ? 0.0 : 1.0 - (double)NonZeroWeights / TotalWeights;
}
