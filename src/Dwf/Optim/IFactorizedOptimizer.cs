using System.Collections.Generic;

namespace Dwf.Core;

/// <summary>What <see cref="CompressionController"/> needs to know of a factorization-aware optimizer.</summary>
internal interface IFactorizedOptimizer
{
    /// <summary>The factorization whose factors it trains.</summary>
    Factorization Owner { get; }

    /// <summary>
    /// Per factor group (in group order): its depth, its current learning rate, and the steady-state factor by which
    /// the optimizer multiplies a constant gradient's step (momentum β, dampening τ: (1 − τ)/(1 − β); Nesterov:
    /// 1 + β(1 − τ)/(1 − β); 1 for AdamW, whose decay is decoupled from its moments).
    /// </summary>
    IReadOnlyList<(int Depth, double LearningRate, double StepAmplification)> FactorGroupRates();
}
