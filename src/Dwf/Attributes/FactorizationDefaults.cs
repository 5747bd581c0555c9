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
    /// 2e-4 keeps 97.8 % at CR 27, 4e-4 gives CR 173 at 97.0 %. It is the main sample's λ; that sweep predates the
    /// effective-rate bound (<see cref="EffectiveRateCap"/>), with which the main sample gives 97.52 % at CR 129.
    /// </summary>
    public const double Lambda = 3e-4;

    /// <summary>Default lower truncation of the initialization, relative to σ_w (as in a published re-implementation).</summary>
    public const double InitTruncation = 0.25;

    /// <summary>
    /// Default bound on a factorized weight's effective learning rate, as a multiple of the dense rate: no weight
    /// moves faster than a dense weight at 5 × the base rate (see <see cref="FactorizedSgd.EffectiveRateCap"/>).
    /// Measured (docs/learning-rate.md): ×3 costs LeNet-300-100 (D = 3, λ = 2e-4) 0.28 points at CR ≈ 60, ×5 costs it
    /// nothing measurable; ×5 lets the Caffe LeNet-5 diverge at λ = 3.2e-3 (×3 does not), which the
    /// <see cref="Training.Trainer"/> turns into a rollback that halves the cap (<see cref="Training.DivergenceRecovery"/>).
    /// Without the Trainer (a plain loop) on networks like LeNet-5 at strong penalties, use 3 or the rollback helper.
    /// </summary>
    public const double EffectiveRateCap = 5.0;

    /// <summary>
    /// Magnitude below which a collapsed weight is set to exactly zero: float32 machine epsilon,
    /// the threshold of the authors' follow-up work.
    /// </summary>
    public const double CollapseThreshold = 1.19e-7;
}
