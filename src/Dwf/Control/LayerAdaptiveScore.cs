using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// LAMP's score (Lee et al., ICLR 2021) for <see cref="MaskScore.LayerAdaptive"/>: within one layer, a weight's w²
/// divided by the sum of w² over the layer's weights at least as large (itself included; equal magnitudes are ordered
/// by the sort). The largest weight of a layer scores 1, the score is unchanged by rescaling the layer, and zeros score 0.
/// </summary>
internal static class LayerAdaptiveScore
{
    /// <summary>The scores of <paramref name="weight"/>, float64, in its shape and on its device (call inside a dispose scope).</summary>
    public static Tensor Of(Tensor weight)
    {
        var squares = weight.detach().to(ScalarType.Float64).square().flatten();
        var (sorted, order) = squares.sort(descending: true);
        using var tiny = double.Epsilon.ToScalar();
        var atLeast = sorted.cumsum(0); // Σ of the squares at least as large, in descending order
        var ranked = sorted.div(atLeast.clamp_min(tiny)); // an all-zero layer scores 0 everywhere
        return zeros_like(ranked).scatter_(0, order, ranked).reshape(weight.shape);
    }
}
