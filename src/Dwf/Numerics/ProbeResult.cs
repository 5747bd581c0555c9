using System.Globalization;

namespace Dwf.Numerics;

/// <summary>
/// How far one operation's float32 result is from its float64 result: the largest absolute difference
/// divided by the largest magnitude of the float64 result, for the forward output and for the gradient
/// with respect to the input. NaN when the float32 result holds NaN or ±∞.
/// </summary>
/// <param name="Operation">The operation and its shape, e.g. <c>conv2d 20→50 k5</c>.</param>
/// <param name="ForwardError">Relative error of the output.</param>
/// <param name="GradientError">Relative error of ∂(output·g)/∂input for a random g.</param>
public sealed record ProbeResult(string Operation, double ForwardError, double GradientError)
{
    /// <summary>
    /// The largest relative error accepted. Correct float32 kernels stay near 1e-6 on these sizes (a sum of
    /// at most 540 products: ≈ √540 · 1.19e-7 in the mean, observed ≤ 5e-7); the broken kernels this check was
    /// written for are off by 0.1 to 0.4 or give NaN. 1e-4 leaves a factor of 100 to either side.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>True when both errors are finite and within <see cref="Tolerance"/>.</summary>
    public bool IsCorrect => IsWithinTolerance(ForwardError) && IsWithinTolerance(GradientError);

    /// <summary>The larger of the two errors (NaN if either is NaN).</summary>
    public double WorstError => double.IsNaN(ForwardError) || double.IsNaN(GradientError) ? double.NaN : System.Math.Max(ForwardError, GradientError);

    /// <summary>For messages: <c>conv2d 20→50 k5: forward 4.1e-01, input gradient 1.8e-01</c>.</summary>
    public override string ToString() =>
        $"{Operation}: forward {Format(ForwardError)}, input gradient {Format(GradientError)}";

    internal static string Format(double error) =>
        double.IsNaN(error) ? "NaN" : error.ToString("0.0e+00", CultureInfo.InvariantCulture);

    private static bool IsWithinTolerance(double error) => !double.IsNaN(error) && error <= Tolerance;
}
