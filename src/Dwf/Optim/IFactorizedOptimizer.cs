using System.Collections.Generic;

namespace Dwf.Core;

/// <summary>What <see cref="CompressionController"/> needs to know of a factorization-aware optimizer.</summary>
internal interface IFactorizedOptimizer
{
    /// <summary>The factorization whose factors it trains.</summary>
    Factorization Owner { get; }

    /// <summary>Per factor group (in group order): its depth, its current learning rate and its momentum (0 for AdamW, whose decay is decoupled).</summary>
    IReadOnlyList<(int Depth, double LearningRate, double Momentum)> FactorGroupRates();
}
