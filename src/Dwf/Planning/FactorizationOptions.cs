using System;
using System.Globalization;

namespace Dwf;

/// <summary>
/// Factorization settings where <c>null</c> means "inherit": from the enclosing field or class, and
/// finally from <see cref="FactorizationDefaults"/>. The generator emits one of these per
/// <see cref="FactorizeAttribute"/>, holding only the properties the user set.
/// </summary>
public sealed record FactorizationOptions
{
    /// <summary>Number of factors D (≥ 2).</summary>
    public int? Depth { get; init; }

    /// <summary>Penalty strength λ (≥ 0, finite; mean-loss convention).</summary>
    public double? Lambda { get; init; }

    /// <summary>Also factorize biases of eligible layers.</summary>
    public bool? FactorizeBias { get; init; }

    /// <summary>Lower truncation of the initialization relative to σ_w, in [0, 2).</summary>
    public double? InitTruncation { get; init; }

    /// <summary>Which std the initial product is matched to.</summary>
    public InitStd? InitStd { get; init; }

    /// <summary>Target std when <see cref="InitStd"/> is <see cref="Dwf.InitStd.Fixed"/>.</summary>
    public double? InitStdValue { get; init; }

    /// <summary>Correct the factor std so the truncated product keeps the target std.</summary>
    public bool? InitVarianceCorrection { get; init; }

    /// <summary>
    /// The compression ratio wanted at the end of training (&gt; 1, class level only): λ is then steered by a
    /// <see cref="CompressionController"/> from the default λ, and <see cref="Lambda"/> must not be set.
    /// </summary>
    public double? TargetCompression { get; init; }

    /// <summary>How λ is shared between the layers (class level only; default <see cref="Dwf.LambdaScaling.Uniform"/>).</summary>
    public LambdaScaling? LambdaScaling { get; init; }

    /// <summary>Returns these options with every unset property taken from <paramref name="fallback"/>.</summary>
    public FactorizationOptions Over(FactorizationOptions? fallback)
    {
        if (fallback is null)
        {
            return this;
        }

        return new FactorizationOptions
        {
            Depth = Depth ?? fallback.Depth,
            Lambda = Lambda ?? fallback.Lambda,
            FactorizeBias = FactorizeBias ?? fallback.FactorizeBias,
            InitTruncation = InitTruncation ?? fallback.InitTruncation,
            InitStd = InitStd ?? fallback.InitStd,
            InitStdValue = InitStdValue ?? fallback.InitStdValue,
            InitVarianceCorrection = InitVarianceCorrection ?? fallback.InitVarianceCorrection,
            TargetCompression = TargetCompression ?? fallback.TargetCompression,
            LambdaScaling = LambdaScaling ?? fallback.LambdaScaling,
        };
    }

    /// <summary>
    /// Checks the settings of the whole model: <see cref="LambdaScaling"/> (defined, class level only) and
    /// <see cref="TargetCompression"/> (finite, &gt; 1, not together with <see cref="Lambda"/>: with a target, λ is steered
    /// during training). Field-level options must set neither.
    /// </summary>
    internal void ValidateModelSettings(string where, bool classLevel)
    {
        ValidateLambdaScaling(where, classLevel);
        if (TargetCompression is not double target)
        {
            return;
        }

        if (!classLevel)
        {
            throw new ArgumentException($"{where}: TargetCompression is a setting of the whole model: put it on the class's [Factorize], not on a field.");
        }

        if (!CompressionController.IsValidTarget(target))
        {
            throw new ArgumentOutOfRangeException(
                nameof(TargetCompression),
                target,
                $"{where}: TargetCompression must be {CompressionController.TargetRule}, got {target.ToString("R", CultureInfo.InvariantCulture)}.");
        }

        if (Lambda is not null)
        {
            throw new ArgumentException(
                $"{where}: set TargetCompression or Lambda, not both: with a target, λ is steered during training (starting from the default {FactorizationDefaults.Lambda.ToString("R", CultureInfo.InvariantCulture)}).");
        }
    }

    // LambdaScaling compares every layer of the model with its largest: a setting of the whole model.
    private void ValidateLambdaScaling(string where, bool classLevel)
    {
        if (LambdaScaling is not { } scaling)
        {
            return;
        }

        if (!Enum.IsDefined(scaling))
        {
            throw new ArgumentOutOfRangeException(nameof(LambdaScaling), scaling, $"{where}: LambdaScaling must be Uniform or FanIn, got {(int)scaling}.");
        }

        if (!classLevel)
        {
            throw new ArgumentException($"{where}: LambdaScaling is a setting of the whole model (each layer's λ is scaled against the largest layer's fan-in): put it on the class's [Factorize], not on a field.");
        }
    }

    /// <summary>Fills every unset property with its default and validates the result.</summary>
    /// <param name="where">Names the class or member the options came from, for error messages.</param>
    public FactorizationSettings Resolve(string where) => FactorizationSettings.Create(
        Depth ?? FactorizationDefaults.Depth,
        Lambda ?? FactorizationDefaults.Lambda,
        FactorizeBias ?? false,
        new InitializationSettings(
            InitTruncation ?? FactorizationDefaults.InitTruncation,
            InitStd ?? Dwf.InitStd.LayerDefault,
            InitStdValue ?? 0.0,
            InitVarianceCorrection ?? true),
        where);
}
