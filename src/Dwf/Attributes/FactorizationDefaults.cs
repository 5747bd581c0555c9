namespace Dwf;

/// <summary>Default values of the factorization settings, in one place.</summary>
public static class FactorizationDefaults
{
    /// <summary>Default depth D.</summary>
    public const int Depth = 3;

    /// <summary>
    /// Default λ (mean-loss convention). Chosen by the LeNet-300-100/MNIST sweep in
    /// <c>docs/results/lr-sweep</c>: at D = 3 it gives a compression ratio in the hundreds
    /// within about one accuracy point of dense training in a short budget.
    /// </summary>
    public const double Lambda = 1e-3;

    /// <summary>Default lower truncation of the initialization, relative to σ_w (as in a published re-implementation).</summary>
    public const double InitTruncation = 0.25;

    /// <summary>
    /// Magnitude below which a collapsed weight is set to exactly zero: float32 machine epsilon,
    /// the threshold of the authors' follow-up work.
    /// </summary>
    public const double CollapseThreshold = 1.19e-7;
}
