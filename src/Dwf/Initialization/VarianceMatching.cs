using System;

namespace Dwf.Initialization;

/// <summary>
/// Chooses the factor distribution of "variance matching with absolute-value truncation"
/// (DWF paper, §2 of docs/architecture.md): each factor is N(0, s^(2/D)) truncated to
/// ((ε·s)^(1/D), min(1, (2·s)^(1/D))) in absolute value.
/// </summary>
/// <remarks>
/// Taken literally (s = σ_w) the truncation shrinks the product's std: to about 0.81·σ_w at D = 3 and
/// ε = 0.25. With correction, s is solved so that the product's std equals σ_w exactly (the bounds
/// move with s). Below s = 1/2 the solution is closed-form, s = σ_w / m₂^(D/2), with m₂ the standardized
/// second moment, which depends only on D and ε; above it the upper bound is capped at 1 and s is
/// found by bisection. If σ_w cannot be reached (only possible for σ_w close to 1, e.g. embeddings
/// with ε = 0), the largest reachable std is used and reported.
/// </remarks>
public static class VarianceMatching
{
    /// <summary>Solves the factor distribution for a target product std σ_w.</summary>
    public static TruncatedFactorDistribution Solve(int depth, double targetStd, double truncation, bool correct)
    {
        if (!(targetStd > 0) || !double.IsFinite(targetStd))
        {
            throw new ArgumentOutOfRangeException(nameof(targetStd), targetStd, "The target std must be positive and finite.");
        }

        if (!correct)
        {
            return TruncatedFactorDistribution.For(depth, targetStd, truncation);
        }

        // Feasible scales: the truncation interval must stay non-empty, i.e. ε·s < 1.
        double maxScale = truncation > 0 ? (1.0 / truncation) * (1 - 1e-9) : 1e6;
        double minScale = Math.Min(targetStd * 1e-3, maxScale * 1e-6);

        // Uncapped closed form first (the usual case for real layers).
        var atTarget = TruncatedFactorDistribution.For(depth, Math.Min(targetStd, maxScale), truncation);
        double ratio = atTarget.ProductStd / atTarget.Scale;
        double closedForm = targetStd / ratio;
        if (closedForm <= 0.5 && closedForm < maxScale)
        {
            return TruncatedFactorDistribution.For(depth, closedForm, truncation);
        }

        // Capped regime: scan a log grid for the first crossing, then bisect.
        const int GridPoints = 400;
        double logMin = Math.Log(minScale), logMax = Math.Log(maxScale);
        double previousScale = minScale;
        double previousStd = TruncatedFactorDistribution.For(depth, minScale, truncation).ProductStd;
        double bestScale = previousScale, bestStd = previousStd;
        for (int i = 1; i <= GridPoints; i++)
        {
            double scale = Math.Exp(logMin + (logMax - logMin) * i / GridPoints);
            double std = TruncatedFactorDistribution.For(depth, scale, truncation).ProductStd;
            if (std > bestStd)
            {
                bestStd = std;
                bestScale = scale;
            }

            if (previousStd <= targetStd && std >= targetStd)
            {
                return TruncatedFactorDistribution.For(depth, Bisect(depth, truncation, targetStd, previousScale, scale), truncation);
            }

            previousScale = scale;
            previousStd = std;
        }

        return TruncatedFactorDistribution.For(depth, bestScale, truncation);
    }

    private static double Bisect(int depth, double truncation, double targetStd, double low, double high)
    {
        for (int i = 0; i < 200 && high - low > 1e-15 * high; i++)
        {
            double mid = 0.5 * (low + high);
            if (TruncatedFactorDistribution.For(depth, mid, truncation).ProductStd < targetStd)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return 0.5 * (low + high);
    }
}
