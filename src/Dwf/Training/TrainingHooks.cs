using System;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>Extension points for baselines that are trained the same way (L1 penalties, pruning masks).</summary>
public sealed record TrainingHooks
{
    /// <summary>Extra term added to the loss before backward (e.g. λ‖W‖₁ for L1 regularization).</summary>
    public Func<Tensor>? Regularizer { get; init; }

    /// <summary>Runs after every optimizer step (e.g. re-apply a pruning mask).</summary>
    public Action? AfterStep { get; init; }

    /// <summary>
    /// Runs after every optimizer step with the 0-based index of that step in the whole run (also right after a resume),
    /// for schedules that depend on it (e.g. gradual pruning).
    /// </summary>
    public Action<long>? AfterStepAt { get; init; }

    /// <summary>Builds the optimizer for a model without factorization (default: SGD over all parameters).</summary>
    public Func<optim.Optimizer>? OptimizerFactory { get; init; }
}
