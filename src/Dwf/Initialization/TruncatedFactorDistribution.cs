using System;

namespace Dwf.Initialization;

/// <summary>
/// The distribution of one factor entry under variance matching with absolute-value truncation:
/// w ~ N(0, τ²) conditioned on <c>Lower &lt; |w| &lt; Upper</c>, with a random sign.
/// </summary>
/// <remarks>
/// For a scale parameter s (the std the product would have without truncation), depth D and relative
/// truncation ε: τ = s^(1/D), Lower = (ε·s)^(1/D), Upper = min(1, (2·s)^(1/D)). So every product
/// W = ⊙ w_d satisfies ε·s &lt; |W| &lt; min(1, 2·s). The D factors are independent with mean zero, hence
/// Var(W) = (E[w²])^D, which is what <see cref="ProductStd"/> returns in closed form.
/// </remarks>
public readonly record struct TruncatedFactorDistribution(int Depth, double Scale, double Tau, double Lower, double Upper)
{
    /// <summary>Builds the distribution for scale <paramref name="scale"/> (s), depth D and relative truncation ε.</summary>
    public static TruncatedFactorDistribution For(int depth, double scale, double truncation)
    {
        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "Depth must be at least 1.");
        }

        if (!(scale > 0) || !double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive and finite.");
        }

        double tau = Math.Pow(scale, 1.0 / depth);
        double lower = truncation > 0 ? Math.Pow(truncation * scale, 1.0 / depth) : 0.0;
        double upper = Math.Min(1.0, Math.Pow(2.0 * scale, 1.0 / depth));
        if (!(lower < upper))
        {
            throw new ArgumentOutOfRangeException(
                nameof(truncation),
                truncation,
                $"Empty truncation interval for D = {depth}: lower bound {lower} is not below upper bound {upper}. Use a smaller InitTruncation.");
        }

        return new TruncatedFactorDistribution(depth, scale, tau, lower, upper);
    }

    /// <summary>Standardized lower bound α = Lower/τ.</summary>
    public double Alpha => Lower / Tau;

    /// <summary>Standardized upper bound β = Upper/τ.</summary>
    public double Beta => Upper / Tau;

    /// <summary>E[w²] = τ²·(1 + (αφ(α) − βφ(β)) / (Φ(β) − Φ(α))), the second moment of the truncated normal.</summary>
    public double FactorSecondMoment
    {
        get
        {
            double alpha = Alpha, beta = Beta;
            // Φ(β) − Φ(α) from the upper tails: exact also when both are far in the tail.
            double mass = StandardNormal.UpperTail(alpha) - StandardNormal.UpperTail(beta);
            if (mass <= 1e-300)
            {
                // Degenerate interval: all mass at the bounds' midpoint.
                double mid = 0.5 * (Lower + Upper);
                return mid * mid;
            }

            double standardized = 1.0 + (alpha * StandardNormal.Pdf(alpha) - beta * StandardNormal.Pdf(beta)) / mass;
            return Tau * Tau * standardized;
        }
    }

    /// <summary>Std of the product of D independent factors: (E[w²])^(D/2).</summary>
    public double ProductStd => Math.Pow(FactorSecondMoment, Depth / 2.0);

    /// <summary>Probability mass of the standard normal on [α, β] (one side); used by the sampler.</summary>
    public (double Low, double High) StandardCdfBounds => (StandardNormal.Cdf(Alpha), StandardNormal.Cdf(Beta));
}
