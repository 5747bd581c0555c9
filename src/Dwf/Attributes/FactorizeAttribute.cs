using System;

namespace Dwf;

/// <summary>
/// Trains the weights of a TorchSharp module as deep weight factorizations
/// <c>W = w_1 ⊙ w_2 ⊙ … ⊙ w_D</c> with the penalty <c>(λ/D)·Σ_d ‖w_d‖²</c>, which has the same minima as
/// <c>λ·‖W‖_{2/D}^{2/D}</c> (DWF, Kolb et al., ICLR 2025).
/// </summary>
/// <remarks>
/// <para>
/// On a <c>partial</c> class deriving from <c>torch.nn.Module</c>, the Dwf source generator wires the
/// runtime in: every eligible weight reachable from the module's registered fields is factorized once
/// <c>RegisterComponents()</c> runs (the usual last line of a TorchSharp constructor). Eligible are the
/// weights of <c>Linear</c>, <c>Conv1d/2d/3d</c>, <c>ConvTranspose1d/2d/3d</c> and <c>Bilinear</c>;
/// biases only with <see cref="FactorizeBias"/>; normalization layers never.
/// </para>
/// <para>
/// On a field, the attribute overrides the class-level settings for that field's subtree (only the
/// properties set explicitly are overridden), and it opts in layers that are not factorized by default:
/// an <c>Embedding</c>, or a <c>Parameter</c> field of the class itself.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class FactorizeAttribute : Attribute
{
    /// <summary>Depth D used when none is given: 3, the smallest "deep" factorization (an L_{2/3} penalty).</summary>
    public const int DefaultDepth = FactorizationDefaults.Depth;

    /// <summary>λ used when none is given; see <see cref="FactorizationDefaults.Lambda"/> for how it was chosen.</summary>
    public const double DefaultLambda = FactorizationDefaults.Lambda;

    /// <summary>Number of factors D (≥ 2). D = 2 is the lasso (L1); D = 3 is L_{2/3}; D = 4 is L_{1/2}.</summary>
    public int Depth { get; set; } = DefaultDepth;

    /// <summary>
    /// Penalty strength λ (≥ 0, finite), for a loss that is a <b>mean</b> over the batch (TorchSharp's
    /// default reduction). The optimizers apply it as weight decay <c>2λ/D</c> on the factors.
    /// </summary>
    public double Lambda { get; set; } = DefaultLambda;

    /// <summary>Also factorize the biases of eligible layers (default <c>false</c>: biases train as usual).</summary>
    public bool FactorizeBias { get; set; }

    /// <summary>
    /// Lower truncation of the initialization, relative to the target std σ_w: every initial |W| exceeds
    /// <c>InitTruncation·σ_w</c>, every factor exceeds its D-th root. Must lie in [0, 2).
    /// </summary>
    public double InitTruncation { get; set; } = FactorizationDefaults.InitTruncation;

    /// <summary>Which standard deviation the initial product W should have.</summary>
    public InitStd InitStd { get; set; } = InitStd.LayerDefault;

    /// <summary>The target std when <see cref="InitStd"/> is <see cref="Dwf.InitStd.Fixed"/> (must be &gt; 0).</summary>
    public double InitStdValue { get; set; }

    /// <summary>
    /// Correct the factor std so that the product's std equals the target after truncation (default
    /// <c>true</c>). Without it the truncation shrinks the product's std (to about 0.81·σ_w at D = 3).
    /// </summary>
    public bool InitVarianceCorrection { get; set; } = true;

    /// <summary>
    /// The compression ratio wanted at the end of training (&gt; 1; 100 = 99 % of the weights zero, at the exact
    /// collapse threshold), instead of a fixed <see cref="Lambda"/>: the <see cref="Training.Trainer"/>, or a
    /// <see cref="CompressionController"/> in your own loop, steers λ during training to reach it in one run. Class
    /// level only; not together with <see cref="Lambda"/> (analyzer DWF015). Leave it unset for a fixed λ (an explicit
    /// value must be above 1).
    /// </summary>
    public double TargetCompression { get; set; }

    /// <summary>
    /// How λ is shared between layers (default <see cref="Dwf.LambdaScaling.Uniform"/>, the paper's single λ);
    /// <see cref="Dwf.LambdaScaling.FanIn"/> scales each layer's λ by its fan-in. Class level only (analyzer DWF016).
    /// Works with <see cref="Lambda"/>, per-field λ and <see cref="TargetCompression"/> (the controller scales every
    /// layer's λ alike, so the ratios between layers stay).
    /// </summary>
    public LambdaScaling LambdaScaling { get; set; }
}
