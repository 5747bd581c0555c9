using Dwf.Numerics;
using TorchSharp;
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
        if (!bound.IsActive)
        {
            for (int d = 0; d < depth; d++)
            {
                AddGradient((Parameter)factors[d], layerGradient.mul(others[d]));
            }

            return;
        }

        // P·(G·q_d + g_d) + (P − 1)·wd·w_d, with g_d a gradient the factor already has (e.g. Penalty() in the loss):
        // the base optimizer then adds wd·w_d, which makes the whole step P·(G·q_d + g_d + wd·w_d), as the fused kernel.
        var scale = bound.Scale(others);
        Tensor? decayCorrection = null;
        if (weightDecay != 0)
        {
            using var one = 1.0.ToScalar();
            using var decay = weightDecay.ToScalar();
            decayCorrection = scale.sub(one).mul_(decay);
        }

        for (int d = 0; d < depth; d++)
        {
            var parameter = (Parameter)factors[d];
            var gradient = layerGradient.mul(others[d]);
            using (var existing = parameter.grad)
            {
                if (existing is not null)
                {
                    gradient.add_(existing, Scalars.One);
                }
            }

            gradient.mul_(scale);
            if (decayCorrection is not null)
            {
                gradient.add_(factors[d].mul(decayCorrection), Scalars.One);
            }

            parameter.grad = gradient;
        }
    }

    private static void AddGradient(Parameter parameter, Tensor contribution)
    {
        var existing = parameter.grad;
        if (existing is null)
        {
            parameter.grad = contribution;
        }
        else
        {
            existing.add_(contribution, Scalars.One);
        }
    }

    /// <summary>
    /// q_d = Π_{k≠d} w_k for every d, from prefix and suffix products (3D − 6 multiplications, no division, so zero
    /// factors are fine; for D = 2 the factors themselves). q_d is ∂W/∂w_d, and Σ_d q_d² is how fast one SGD step of the
    /// factors moves W. Callers must not change the returned tensors in place: some are the factors.
    /// </summary>
    public static Tensor[] ProductsOfOthers(Tensor[] factors)
    {
        int depth = factors.Length;
        // suffix[d] = w_{d+1} ⊙ … ⊙ w_{D-1}, null for the empty product (d = D − 1).
        var suffix = new Tensor?[depth];
        for (int d = depth - 2; d >= 0; d--)
        {
            suffix[d] = suffix[d + 1] is { } next ? factors[d + 1].mul(next) : factors[d + 1];
        }

        var others = new Tensor[depth];
        Tensor? prefix = null; // w_0 ⊙ … ⊙ w_{d-1}
        for (int d = 0; d < depth; d++)
        {
            others[d] = prefix is null ? suffix[d]! : suffix[d] is { } after ? prefix.mul(after) : prefix;
            if (d < depth - 1)
            {
                prefix = prefix is null ? factors[d] : prefix.mul(factors[d]);
            }
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
