using Dwf.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>
/// The bound on how fast one SGD step of the factors may move a weight W, as a multiple of the rate the model's
/// other (dense) parameters train at.
/// </summary>
/// <remarks>
/// <para>
/// One SGD step of the factors with learning rate η moves W = ⊙ w_d by η·S·∂L/∂W to first order, where
/// S = Σ_d Π_{k≠d} w_k² (= D·|W|^(2−2/D) when the factors are balanced). For small weights S ≪ 1: they move slowly,
/// which is how the factorization makes weights die. For large ones S grows without limit: a LeNet-5 conv1 weight at
/// |W| ≈ 40 had η·S ≈ 200 at factor rate 0.5, and the run diverged (docs/learning-rate.md). The bound scales each
/// entry's factor update (gradient and weight decay alike, so the stationary points and the L_{2/D} equivalence are
/// unchanged) by P = min(1, c/S) with c = cap × (dense learning rate) / (factor learning rate): a weight
/// never moves faster than a dense weight at cap × the dense rate, and weights with η·S below that, the
/// small ones whose dynamics make the sparsity, are untouched.
/// </para>
/// </remarks>
internal readonly record struct EffectiveRateBound(double Coefficient)
{
    /// <summary>False for the default value and for an infinite coefficient (no bound).</summary>
    public bool IsActive => Coefficient > 0 && double.IsFinite(Coefficient);

    /// <summary>The bound of one factor group: c = ratio × dense rate / factor rate (inactive if either rate is 0).</summary>
    public static EffectiveRateBound For(double ratio, double denseLearningRate, double factorLearningRate) =>
        double.IsFinite(ratio) && ratio > 0 && factorLearningRate > 0 && denseLearningRate > 0
            ? new EffectiveRateBound(ratio * denseLearningRate / factorLearningRate)
            : default;

    /// <summary>P = min(1, c / Σ_d q_d²) per entry, from the products of the other factors q_d.</summary>
    public Tensor Scale(Tensor[] others)
    {
        var sum = others[0].square();
        for (int d = 1; d < others.Length; d++)
        {
            sum = sum.add_(others[d].square(), Scalars.One);
        }

        // c / 0 = ∞ → 1; a NaN sum stays NaN, so a blow-up remains visible.
        using var coefficient = Coefficient.ToScalar();
        using var one = 1.0.ToScalar();
        return sum.reciprocal_().mul_(coefficient).clamp_max_(one);
    }
}
