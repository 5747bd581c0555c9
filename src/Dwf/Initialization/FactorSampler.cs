using System;
using Dwf.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Initialization;

/// <summary>Draws factor tensors from a <see cref="TruncatedFactorDistribution"/> with TorchSharp's global RNG.</summary>
/// <remarks>
/// Inverse-CDF sampling of the magnitude in float64 (exact truncation, one pass, reproducible under
/// <c>torch.manual_seed</c>), from the upper tail so that bounds far in the tail keep their precision;
/// an independent random sign per entry.
/// </remarks>
public static class FactorSampler
{
    /// <summary>Samples one factor tensor of the given shape, dtype and device.</summary>
    public static Tensor Sample(TruncatedFactorDistribution distribution, long[] shape, ScalarType dtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(device);
        using var scope = NewDisposeScope();
        double qHigh = StandardNormal.UpperTail(distribution.Alpha);
        double qLow = StandardNormal.UpperTail(distribution.Beta);
        // Explicit Scalars, alive to the end of the method (Dwf.Numerics.Scalars says why).
        using var width = (qHigh - qLow).ToScalar();
        using var low = qLow.ToScalar();
        var q = rand(shape, dtype: float64).mul_(width).add_(low, Scalars.One);
        // Guard the open interval: ndtri(0) = -inf, ndtri(1) = +inf.
        using var qMin = Math.Max(qLow, double.Epsilon).ToScalar();
        using var qMax = Math.Min(qHigh, 1.0 - 1e-16).ToScalar();
        q.clamp_(qMin, qMax);
        using var tau = distribution.Tau.ToScalar();
        using var lower = distribution.Lower.ToScalar();
        using var upper = distribution.Upper.ToScalar();
        var magnitude = special.ndtri(q).neg_().mul_(tau).clamp_(lower, upper);
        using var two = 2.ToScalar();
        var sign = randint(0, 2, shape, dtype: float64).mul_(two).sub_(Scalars.One);
        var factor = magnitude.mul_(sign).to(dtype, device);
        return factor.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Splits a dense weight into D balanced factors with the same product:
    /// |w_d| = |W|^(1/D) for every d, the sign of W on the first factor.
    /// </summary>
    /// <remarks>Zero entries give zero factors, which stay zero under training (every factor's gradient contains the others).</remarks>
    public static Tensor[] Balanced(Tensor weight, int depth)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "Depth must be at least 1.");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Root in float64 so the product reproduces W to the precision of W's own dtype.
        var w64 = weight.detach().to(float64);
        using var inverseDepth = (1.0 / depth).ToScalar();
        var root = w64.abs().pow(inverseDepth);
        var factors = new Tensor[depth];
        factors[0] = root.mul(w64.sign()).to(weight.dtype).MoveToOuterDisposeScope();
        for (int d = 1; d < depth; d++)
        {
            factors[d] = root.to(weight.dtype).MoveToOuterDisposeScope();
        }

        return factors;
    }
}
