using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Core;

/// <summary>
/// The chain rule through W = w_1 ⊙ … ⊙ w_D, and the re-materialization of W from its factors.
/// </summary>
/// <remarks>
/// ∂L/∂w_d = ∂L/∂W ⊙ Π_{k≠d} w_k. The products of the other factors are built from prefix and suffix
/// products (no division, so zero factors are fine). Everything runs under
/// <c>no_grad</c> inside a dispose scope, so no temporary outlives the call.
/// </remarks>
internal static class ProductRule
{
    /// <summary>
    /// Adds ∂L/∂w_d = G ⊙ Π_{k≠d} w_k to every factor's gradient, where G is the layer weight's gradient.
    /// Factors without a gradient get one. Does nothing when the weight has no gradient (unused layer).
    /// </summary>
    /// <param name="weight">The factorized weight.</param>
    /// <param name="bound">
    /// The effective-rate bound of this step (<see cref="EffectiveRateBound"/>); when active, each entry's factor
    /// gradients, including the weight decay <paramref name="weightDecay"/> that the base optimizer will add, are
    /// scaled by P = min(1, c / Σ_d Π_{k≠d} w_k²).
    /// </param>
    /// <param name="weightDecay">The factor group's weight decay (2λ/D), so that P can scale it too.</param>
    public static void AccumulateFactorGradients(FactorizedWeight weight, EffectiveRateBound bound = default, double weightDecay = 0)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layerGradient = weight.Weight.grad;
        if (layerGradient is null)
        {
            return;
        }

        int depth = weight.Depth;
        var factors = new Tensor[depth];
        for (int d = 0; d < depth; d++)
        {
            factors[d] = weight.Factor(d);
        }

        var others = ProductsOfOthers(factors);
        Tensor? scale = bound.IsActive ? bound.Scale(others) : null;
        for (int d = 0; d < depth; d++)
        {
            var contribution = layerGradient.mul(others[d]);
            if (scale is not null)
            {
                // P·(G·q_d) + (P − 1)·wd·w_d: the base optimizer adds wd·w_d, which makes the whole step P·(G·q_d + wd·w_d).
                contribution = contribution.mul_(scale);
                if (weightDecay != 0)
                {
                    contribution = contribution.add_(factors[d].mul(scale.sub(1.0)).mul_(weightDecay));
                }
            }

            var parameter = (Parameter)factors[d];
            var existing = parameter.grad;
            if (existing is null)
            {
                parameter.grad = contribution;
            }
            else
            {
                existing.add_(contribution);
            }
        }
    }

    /// <summary>
    /// q_d = Π_{k≠d} w_k for every d, from prefix and suffix products (3D − 4 multiplications, no division, so zero
    /// factors are fine). q_d is ∂W/∂w_d, and Σ_d q_d² is how fast one SGD step of the factors moves W.
    /// </summary>
    public static Tensor[] ProductsOfOthers(Tensor[] factors)
    {
        int depth = factors.Length;
        var others = new Tensor[depth];
        // suffix = w_{d+1} ⊙ … ⊙ w_{D-1} (0-based), built backwards; null stands for the empty product.
        Tensor? suffix = null;
        for (int d = depth - 1; d >= 0; d--)
        {
            others[d] = suffix ?? ones_like(factors[d]);
            suffix = suffix is null ? factors[d] : suffix.mul(factors[d]);
        }

        Tensor? prefix = null;
        for (int d = 0; d < depth; d++)
        {
            if (prefix is not null)
            {
                others[d] = others[d].mul(prefix);
            }

            prefix = prefix is null ? factors[d] : prefix.mul(factors[d]);
        }

        return others;
    }

    /// <summary>Writes ⊙_d w_d into the layer weight, in place (no new tensor, no autograd history).</summary>
    public static void Rematerialize(FactorizedWeight weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var target = weight.Weight;
        target.copy_(weight.Factor(0));
        for (int d = 1; d < weight.Depth; d++)
        {
            target.mul_(weight.Factor(d));
        }
    }
}
