namespace Dwf;

/// <summary>Default values of the factorization settings, in one place.</summary>
public static class FactorizationDefaults
{
    /// <summary>Default depth D.</summary>
    public const int Depth = 3;

    /// <summary>
    /// Default λ (mean-loss convention). From the LeNet-300-100/MNIST sweep
    /// (<c>docs/results/lr-sweep-40/table.md</c>): at D = 3, 40 epochs and the default factor learning
    /// rate (0.1 × 5) it gives a compression ratio of about 150 at 97.6 % test accuracy (dense: 98.6 %);
    /// 2e-4 keeps 97.8 % at CR 27, 4e-4 gives CR 173 at 97.0 %. It is the main sample's λ.
    /// </summary>
    public const double Lambda = 3e-4;

    /// <summary>Default lower truncation of the initialization, relative to σ_w (as in a published re-implementation).</summary>
    public const double InitTruncation = 0.25;

    /// <summary>
    /// Default bound on a factorized weight's effective learning rate, as a multiple of the dense rate: no weight
    /// moves faster than a dense weight at 3 × the base rate (see <see cref="FactorizedSgd.EffectiveRateCap"/>).
    /// Measured (docs/learning-rate.md): ×10 still let the Caffe LeNet-5 diverge at λ = 2e-3 (conv1 weights grow to
    /// |W| ≈ 40 without a bound), ×1 cost LeNet-300-100 at D = 2 about 0.5 points at CR 60; ×3 does neither.
    /// </summary>
    public const double EffectiveRateCap = 3.0;

    /// <summary>
    /// Magnitude below which a collapsed weight is set to exactly zero: float32 machine epsilon,
    /// the threshold of the authors' follow-up work.
    /// </summary>
    public const double CollapseThreshold = 1.19e-7;
}
