using System;
using System.Globalization;

namespace Dwf;

/// <summary>How the initial factors are drawn (variance matching with absolute-value truncation).</summary>
/// <param name="Truncation">Lower truncation ε relative to σ_w: every initial |W| exceeds ε·σ_w.</param>
/// <param name="Std">Which std σ_w the initial product is matched to.</param>
/// <param name="StdValue">σ_w when <paramref name="Std"/> is <see cref="InitStd.Fixed"/>.</param>
/// <param name="VarianceCorrection">Correct the factor std so the truncated product keeps std σ_w.</param>
public sealed record InitializationSettings(double Truncation, InitStd Std, double StdValue, bool VarianceCorrection)
{
    /// <summary>The defaults: ε = 0.25, the layer's own std, with variance correction.</summary>
    public static InitializationSettings Default { get; } =
        new(FactorizationDefaults.InitTruncation, InitStd.LayerDefault, 0.0, true);
}

/// <summary>Fully resolved, validated settings of one factorized weight.</summary>
public sealed record FactorizationSettings
{
    private FactorizationSettings(int depth, double lambda, bool factorizeBias, InitializationSettings init)
    {
        Depth = depth;
        Lambda = lambda;
        FactorizeBias = factorizeBias;
        Init = init;
    }

    /// <summary>Number of factors D (≥ 2).</summary>
    public int Depth { get; }

    /// <summary>Penalty strength λ (mean-loss convention).</summary>
    public double Lambda { get; }

    /// <summary>Whether biases of eligible layers are factorized too.</summary>
    public bool FactorizeBias { get; }

    /// <summary>How the factors are initialized.</summary>
    public InitializationSettings Init { get; }

    /// <summary>Validates and creates settings; the exception names <paramref name="where"/> and the fix.</summary>
    public static FactorizationSettings Create(int depth, double lambda, bool factorizeBias, InitializationSettings init, string where)
    {
        ArgumentNullException.ThrowIfNull(init);
        ValidateDepth(depth, where);
        ValidateLambda(lambda, where);
        if (!double.IsFinite(init.Truncation) || init.Truncation < 0 || init.Truncation >= 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(init),
                init.Truncation,
                $"{where}: InitTruncation must be in [0, 2) (it is ε/σ_w; the upper truncation is 2·σ_w), got {Format(init.Truncation)}. The default is {Format(FactorizationDefaults.InitTruncation)}.");
        }

        if (init.Std == InitStd.Fixed && (!double.IsFinite(init.StdValue) || init.StdValue <= 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(init),
                init.StdValue,
                $"{where}: InitStd = Fixed needs InitStdValue > 0 and finite, got {Format(init.StdValue)}.");
        }

        if (!Enum.IsDefined(init.Std))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init.Std, $"{where}: unknown InitStd value {(int)init.Std}.");
        }

        return new FactorizationSettings(depth, lambda, factorizeBias, init);
    }

    /// <summary>Returns a copy with another λ (validated).</summary>
    public FactorizationSettings WithLambda(double lambda, string where)
    {
        ValidateLambda(lambda, where);
        return new FactorizationSettings(Depth, lambda, FactorizeBias, Init);
    }

    internal static void ValidateDepth(int depth, string where)
    {
        if (depth < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(depth),
                depth,
                $"{where}: Depth must be at least 2 (D = 2 is the lasso, D ≥ 3 is deep factorization), got {depth}. Use Depth = 3 for the default deep factorization, or [Dense] to keep a layer unfactorized.");
        }
    }

    internal static void ValidateLambda(double lambda, string where)
    {
        if (!double.IsFinite(lambda) || lambda < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(lambda),
                lambda,
                $"{where}: Lambda must be finite and ≥ 0, got {Format(lambda)}. Typical values for a mean loss are 1e-5 to 1e-2; 0 trains the factors without a penalty.");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
