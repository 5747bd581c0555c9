using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Core;

/// <summary>
/// The chain rule through W = w_1 ⊙ … ⊙ w_D, and the re-materialization of W from its factors.
/// </summary>
/// <remarks>
/// ∂L/∂w_d = ∂L/∂W ⊙ Π_{k≠d} w_k. The products of the other factors are built from prefix and suffix
/// products (3D − 4 multiplications, no division, so zero factors are fine). Everything runs under
/// <c>no_grad</c> inside a dispose scope, so no temporary outlives the call.
/// </remarks>
internal static class ProductRule
{
    /// <summary>
    /// Adds ∂L/∂w_d = G ⊙ Π_{k≠d} w_k to every factor's gradient, where G is the layer weight's gradient.
    /// Factors without a gradient get one. Does nothing when the weight has no gradient (unused layer).
    /// </summary>
    public static void AccumulateFactorGradients(FactorizedWeight weight)
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

        // suffix[d] = w_{d+1} ⊙ … ⊙ w_{D-1} (0-based); null stands for the empty product.
        var suffix = new Tensor?[depth];
        if (depth >= 2)
        {
            suffix[depth - 2] = factors[depth - 1];
        }

        for (int d = depth - 3; d >= 0; d--)
        {
            suffix[d] = factors[d + 1].mul(suffix[d + 1]!);
        }

        // prefix = G ⊙ w_0 ⊙ … ⊙ w_{d-1}
        var prefix = layerGradient;
        for (int d = 0; d < depth; d++)
        {
            var contribution = suffix[d] is null ? prefix : prefix.mul(suffix[d]!);
            var parameter = (Parameter)factors[d];
            var existing = parameter.grad;
            if (existing is null)
            {
                parameter.grad = ReferenceEquals(contribution, layerGradient) ? contribution.clone() : contribution;
            }
            else
            {
                existing.add_(contribution);
            }

            if (d < depth - 1)
            {
                prefix = prefix.mul(factors[d]);
            }
        }
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
