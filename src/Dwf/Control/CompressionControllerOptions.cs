using System;
using System.Collections.Generic;

namespace Dwf;

/// <summary>How a <see cref="CompressionController"/> steers λ. The defaults were chosen on LeNet-300-100 and LeNet-5 (docs/target-compression.md).</summary>
public sealed record CompressionControllerOptions
{
    /// <summary>The learning-rate schedule the run uses (default <see cref="LearningRateShape.Cosine"/>).</summary>
    public LearningRateShape Schedule { get; init; } = LearningRateShape.Cosine;

    /// <summary>
    /// Fraction of the run over which the intermediate target rises from CR 1 to the final target (default 0.3):
    /// log CR_t = log CR · (1 − (1 − t/(ramp·T))³), fast at first, as a fixed-λ run's compression rises. Weights do
    /// not come back once the penalty has killed them, so the controller approaches the target from below. A longer
    /// ramp (0.5 was the first default) holds λ down early and must then raise it to 2–3 times the fixed λ late in the
    /// run, which costs the surviving weights accuracy (measured: docs/target-compression.md).
    /// </summary>
    public double RampFraction { get; init; } = 0.3;

    /// <summary>Update λ every this many steps (default: 0.1 % of the run, at least 1).</summary>
    public long? UpdateInterval { get; init; }

    /// <summary>
    /// Integral gain: with the projected ratio off by a factor e for a tenth of the run, λ changes by a factor e^Gain
    /// (default 3). The error is clipped to ±1 per update.
    /// </summary>
    public double Gain { get; init; } = 3.0;

    /// <summary>
    /// How far ahead, in tenths of the run, the controller extrapolates the rise of the projected ratio before it raises
    /// λ (default 0.5): weights take about that long to answer a change of λ, so λ is not raised while the ratio is already
    /// on its way. 0 turns the anticipation off.
    /// </summary>
    public double Anticipation { get; init; } = 0.5;

    /// <summary>
    /// The factor applied to the weights' λ at the start (default: min(2, ½·(target / 100)^(2/3)): half the default λ for a
    /// target of 100, the λ–ratio slope of LeNet-300-100's front for others; low, so the target is approached from below).
    /// </summary>
    public double? InitialLambdaScale { get; init; }

    /// <summary>
    /// The threshold at which the target ratio is to be met (default 1.19e-7, float32 machine epsilon: the paper's exact
    /// collapse). A larger one (up to <see cref="MaxProjectionThreshold"/>) is met by collapsing with it,
    /// <c>Collapse(CollapseThreshold)</c>: in a short run most weights the penalty has condemned are still between 1.19e-7
    /// and 1e-3 at the end, functionally zero but counted as non-zero, so meeting the target at 1.19e-7 takes far more
    /// penalty than the network's function needs (measured: docs/normalization.md). An experiment, not yet a default.
    /// </summary>
    public double CollapseThreshold { get; init; } = FactorizationDefaults.CollapseThreshold;

    /// <summary>
    /// Largest threshold used for the projection (default 1e-3): below it a weight of a deep factorization (D ≥ 3)
    /// barely moves and is on its way to zero; the projection also counts weights that the remaining steps can shrink to the
    /// collapse threshold, which is how the controller anticipates the exact ratio.
    /// </summary>
    public double MaxProjectionThreshold { get; init; } = 1e-3;

    /// <summary>
    /// How much of the theoretical remaining shrinkage of a dying weight the projection counts on (default 0.8):
    /// dying weights still get some gradient, so they shrink a little slower than the penalty alone would make them.
    /// </summary>
    public double ShrinkageEfficiency { get; init; } = 0.8;

    /// <summary>
    /// The last fraction of the run trained with the mask fixed and no penalty (default 0.4; 0: the paper's protocol, the
    /// penalty to the end and the target met at 1.19e-7). From 5 % of the run the controller also keeps a mask that
    /// tightens on gradual magnitude pruning's cubic schedule, s_k = (1 − 1/target)·(1 − (1 − k/60)³), reaching the target
    /// at step (1 − FineTuneFraction)·T: each time it keeps the largest weights by global magnitude, sets every factor of
    /// the others to exactly zero and keeps it there. Weights the penalty has killed are the smallest and go first, so
    /// where the budget lets the penalty do the work the mask only confirms it; where not (a few epochs), the mask removes
    /// the rest gradually, as gradual magnitude pruning does, among weights the penalty has thinned. From that step λ is
    /// 0 and the survivors recover from the penalty's shrinkage while the ratio stays exactly at the target. Until then λ
    /// is steered so that the weights are below <see cref="MaxProjectionThreshold"/> by that step, not at 1.19e-7, which a
    /// short run cannot reach without a penalty that kills the network (measured: docs/normalization.md).
    /// </summary>
    public double FineTuneFraction { get; init; } = 0.4;

    /// <summary>
    /// Raise λ no faster than the weights can answer (default true): λ may grow by at most e^Gain per unit of ln-shrinkage
    /// a dying weight receives meanwhile (at the current λ and learning rate), when that is slower than the run's clock.
    /// Without it, in a short run λ climbs by e^Gain per tenth of the run while no weight has had time to move, and
    /// overshoots by orders of magnitude (ResNet-20, 158 steps: λ 2e-4 → 0.065 in 40 steps, the linear head killed).
    /// In short runs it keeps λ near its start, so the mask does most of the pruning (docs/normalization.md).
    /// </summary>
    public bool PaceByShrinkage { get; init; } = true;

    /// <summary>
    /// In a short mask phase, the largest factor the controller applies to the weights' own λ (default 1: λ never exceeds
    /// what the model was configured with; <see cref="double.PositiveInfinity"/>: no ceiling). Short means that at the
    /// configured λ a dying weight would lose less than e^5 of its size before fine-tuning starts
    /// (<see cref="CompressionController.MaskPhaseShrinkBudget"/> &lt; 5): the penalty cannot do the pruning there without
    /// a λ that harms the network, so the mask does it and the penalty only thins the weights it chooses among (ResNet-20
    /// with BatchNorm, 3 epochs, budget 1.9, target 50: 89.56 % with the ceiling, 85.68 % without, where λ rose to 3.6e-3).
    /// In longer runs λ is free to rise, and the penalty chooses (LeNet-300-100, 40 epochs, budget 25, target 500: 96.01 %
    /// free, 95.04 % capped). Not used without a mask phase. docs/normalization.md.
    /// </summary>
    public double MaskPhaseLambdaCeiling { get; init; } = 1.0;

    /// <summary>
    /// How the mask ranks weights across layers (default <see cref="Dwf.MaskScore.Automatic"/>: synaptic flow on a model
    /// with BatchNorm, global magnitude on one without). Behind a BatchNorm a weight's magnitude keeps its layer's
    /// initialization scale (∝ 1/√fan-in), so global magnitude empties the wide layers of a net with very unequal fan-ins
    /// (MobileNet-style at CR 100: 72.39 % by magnitude, 85.48 % by flow; docs/normalization.md).
    /// </summary>
    public MaskScore MaskScore { get; init; } = MaskScore.Automatic;

    /// <summary>
    /// A ranking of your own, used instead of <see cref="MaskScore"/> (default null). At every mask event (60 in a run) it
    /// gets the weights the controller steers, in <see cref="Factorization.Weights"/> order, and returns one score tensor
    /// per weight in the weight's shape, higher meaning keep; the controller ranks all of them in one list and keeps the
    /// best. It runs with autograd enabled (a score may need a backward pass) and inside a dispose scope that frees what it
    /// returns. Weights already removed are removed whatever they score. For studies of the ranking.
    /// </summary>
    public Func<IReadOnlyList<FactorizedWeight>, IReadOnlyList<TorchSharp.torch.Tensor>>? MaskScorer { get; init; }

    /// <summary>
    /// The shape of the all-ones input the synaptic-flow ranking sends through the model, batch dimension
    /// (1) included, e.g. <c>[1, 3, 32, 32]</c> (default null: one sample of the first batch the model is called with).
    /// </summary>
    public long[]? FlowInputShape { get; init; }

    /// <summary>Bounds of λ (default 1e-6 and 0.1, mean-loss convention).</summary>
    public double MinLambda { get; init; } = 1e-6;

    /// <inheritdoc cref="MinLambda"/>
    public double MaxLambda { get; init; } = 0.1;
}
