using System;

namespace Dwf.Tests.Support;

/// <summary>
/// Exact minimizer of the scalar problem g(w) = ½(w − z)² + λ|w|^p with p = 2/D, computed independently
/// of the library. D = 2 is soft thresholding; for D ≥ 3 (p &lt; 1) the minimizer is 0 or the larger root
/// of w + λp·w^(p−1) = |z|, whichever has the smaller objective.
/// </summary>
internal static class ScalarLpProblem
{
    public static double Minimizer(double z, double lambda, int depth)
    {
        double a = Math.Abs(z);
        if (depth == 2)
        {
            return Math.Sign(z) * Math.Max(a - lambda, 0.0);
        }

        double root = LargerStationaryPoint(a, lambda, depth);
        if (double.IsNaN(root))
        {
            return 0.0;
        }

        return Objective(root, a, lambda, depth) < Objective(0.0, a, lambda, depth) ? Math.Sign(z) * root : 0.0;
    }

    /// <summary>
    /// (existence, jump): a non-zero local minimum exists for |z| above the first; it is the global one
    /// above the second. Between them gradient methods started away from zero stop at the wrong minimum.
    /// </summary>
    public static (double Existence, double Jump) Thresholds(double lambda, int depth)
    {
        if (depth == 2)
        {
            return (lambda, lambda);
        }

        double p = 2.0 / depth;
        double wMin = Math.Pow(lambda * p * (1 - p), 1 / (2 - p));
        double existence = wMin + lambda * p * Math.Pow(wMin, p - 1);
        double low = existence, high = existence * 10;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (low + high);
            double root = LargerStationaryPoint(mid, lambda, depth);
            if (Objective(root, mid, lambda, depth) < Objective(0, mid, lambda, depth))
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return (existence, 0.5 * (low + high));
    }

    private static double Objective(double w, double a, double lambda, int depth) =>
        0.5 * (w - a) * (w - a) + lambda * Math.Pow(Math.Abs(w), 2.0 / depth);

    private static double LargerStationaryPoint(double a, double lambda, int depth)
    {
        double p = 2.0 / depth;
        double wMin = Math.Pow(lambda * p * (1 - p), 1 / (2 - p));
        double H(double w) => w + lambda * p * Math.Pow(w, p - 1);
        if (a < H(wMin))
        {
            return double.NaN;
        }

        // h is increasing on [wMin, ∞) and h(a) > a, so the root lies in [wMin, a].
        double low = wMin, high = Math.Max(a, wMin);
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (low + high);
            if (H(mid) < a)
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
