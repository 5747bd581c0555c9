using Dwf.Numerics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dwf.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// Sparsity on request: steers λ during training so that the compression ratio at the exact collapse threshold
/// (|W| &lt; 1.19e-7) reaches <see cref="TargetCompression"/> at the end of the run, in one run. By default the run
/// has two phases (<see cref="CompressionControllerOptions.FineTuneFraction"/>): the penalty, with a mask that tightens
/// gradually to the target, then fine-tuning of the survivors with the mask fixed and λ = 0; the ratio is then exactly
/// the target. Used like a
/// TorchSharp learning-rate scheduler: create it with the optimizer and the total number of steps, call
/// <see cref="step"/> after every <c>optimizer.step()</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every <see cref="CompressionControllerOptions.UpdateInterval"/> steps it measures the <b>projected</b> final ratio:
/// a weight counts as zero if |W| is below τ = min(τ_max, 1.19e-7 · e^R), where R is how far the remaining steps can
/// still shrink a weight the data no longer supports (each factor decays by lr·2λ/D per step, amplified 1/(1 − β) by
/// momentum, so W by 2λ·lr/(1 − β); summed over the rest of the learning-rate schedule, times
/// <see cref="CompressionControllerOptions.ShrinkageEfficiency"/>). At the end R = 0, so the projection is the exact
/// ratio that <c>Collapse()</c> gives (with a fine-tuning phase: the shrinkage left until that phase, counted from
/// MaxProjectionThreshold, at most one decade above it). λ follows the log-ratio error to an intermediate target that rises from 1 to
/// the target over the first 30 % of the run (<see cref="CompressionControllerOptions.RampFraction"/>; a weight does not come back once dead, so the target is approached from
/// below), multiplicatively and with a bounded rate.
/// </para>
/// <para>
/// Deterministic for a seed (it reads only the weights and the step count) and resumable:
/// <see cref="state_dict"/>/<see cref="load_state_dict"/>, saved automatically by <see cref="Training.TrainingCheckpoint"/>.
/// Every weight's λ is scaled by the same factor, so per-layer λ ratios from the plan are kept.
/// </para>
/// </remarks>
public sealed class CompressionController
{
    private readonly Factorization _factorization;
    private readonly IFactorizedOptimizer _optimizer;
    private readonly CompressionControllerOptions _options;
    private readonly long _interval;
    private readonly (FactorizedWeight Weight, double InitialLambda)[] _weights;
    private double[] _peakRates;
    private double _momentum;
    private readonly int[] _groupDepths;
    private readonly (double Low, double High) _logScaleBounds;
    private double _logScale;
    private double? _lastLogProjected;
    private double _slope;

    // With a fine-tuning phase, how far above MaxProjectionThreshold a weight may be and still count as dying. Measured on
    // LeNet-300-100 / MNIST, 40 epochs, CR 500: without the bound the projection counted weights the loss kept, the mask
    // then cut live ones (93.36 %); with it 96.20 % (docs/normalization.md).
    private const double ProjectionReach = 10.0;

    // Where the mask's cubic schedule starts, and how many times it tightens (GMP's defaults in the experiment harness).
    private const double MaskBeginFraction = 0.05;
    private const int MaskEvents = 60;

    // The mask phase counts as short when, at the configured λ, a dying weight would lose less than e^5 (a factor of 150,
    // from a typical 0.05 to below 1e-3 with room) of its size in it: the penalty cannot do the pruning there without a λ
    // that harms the network, so the mask does it and λ keeps its ceiling. Measured on both sides, not tuned in between:
    // ResNet-20 / Fashion-MNIST, 3 epochs, budget 1.9, capped is better; LeNet-300-100 / MNIST, 40 epochs, budget 25,
    // free is better.
    private const double ShortMaskPhaseShrink = 5.0;
    private readonly long _fineTuneStep;
    private readonly CubicPruningSchedule? _maskSchedule; // null without a fine-tuning phase (the paper's protocol)
    private Tensor[]? _removed; // per weight: true where the mask has removed it
    private readonly nn.Module<Tensor, Tensor>? _flowModel; // the model MaskScore.SynapticFlow runs; null for the other scores
    private readonly FirstInputShape.Recorder? _flowInput; // the first call's input shape, when the options give none

    /// <summary>Creates the controller for the factors <paramref name="optimizer"/> trains.</summary>
    /// <param name="optimizer">An optimizer from <see cref="Factorization.CreateSgd"/> or <see cref="Factorization.CreateAdamW"/>, created before any step.</param>
    /// <param name="target_compression">The compression ratio wanted at the end (&gt; 1; CR 100 = 99 % sparse).</param>
    /// <param name="total_steps">The number of optimizer steps of the whole run.</param>
    /// <param name="options">Tuning; the defaults are measured (docs/target-compression.md).</param>
    /// <exception cref="ArgumentException">A target ≤ 1 or not finite, fewer than one step, an optimizer that does not train the factors.</exception>
    public CompressionController(optim.Optimizer optimizer, double target_compression, long total_steps, CompressionControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ValidateTarget(target_compression, nameof(target_compression));
        if (total_steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(total_steps), total_steps, "The run must have at least one step: pass epochs × batches per epoch.");
        }

        _optimizer = optimizer as IFactorizedOptimizer
            ?? throw new ArgumentException($"A CompressionController steers the penalty of an optimizer created by CreateSgd or CreateAdamW; got {optimizer.GetType().Name}, which does not train the factors.", nameof(optimizer));
        _factorization = _optimizer.Owner;
        _options = Validate(options ?? new CompressionControllerOptions());
        TargetCompression = target_compression;
        TotalSteps = total_steps;
        _interval = _options.UpdateInterval ?? Math.Max(1, total_steps / 1000);
        _fineTuneStep = _options.FineTuneFraction > 0
            ? Math.Clamp((long)Math.Round((1.0 - _options.FineTuneFraction) * total_steps), 1, total_steps)
            : 0;
        // The mask tightens gradually, as gradual magnitude pruning's does (Zhu & Gupta's cubic schedule from 5 % of the run):
        // in a budget too short for the penalty to kill its share of weights, one cut at the end of the penalty phase
        // removes live weights all at once (measured: docs/normalization.md).
        if (_fineTuneStep > 0)
        {
            long maskBegin = Math.Max(0, Math.Min((long)Math.Round(MaskBeginFraction * total_steps), _fineTuneStep - 1));
            _maskSchedule = new CubicPruningSchedule(maskBegin, _fineTuneStep, (int)Math.Max(1, Math.Min(MaskEvents, _fineTuneStep - maskBegin)));
        }

        _weights = _factorization.Weights.Where(w => !w.IsCollapsed).Select(w => (w, w.PlanLambda)).ToArray();
        MaskScore = _options.MaskScore == MaskScore.Automatic ? AutomaticMaskScore(_factorization.Module) : _options.MaskScore;
        if (MaskScore == MaskScore.SynapticFlow && _options.MaskScorer is null)
        {
            _flowModel = _factorization.Module as nn.Module<Tensor, Tensor>
                ?? throw new ArgumentException($"MaskScore.SynapticFlow runs the model on one input, and {_factorization.Module.GetType().Name} is not a Module<Tensor, Tensor>; use MaskScore.LayerAdaptive, or a MaskScorer of your own.", nameof(options));
            _flowInput = _options.FlowInputShape is null ? FirstInputShape.Track(_flowModel) : null;
        }

        if (_weights.Length == 0)
        {
            throw new InvalidOperationException($"{_factorization.Plan.Name} has no factorized weights to steer (collapsed, or nothing was factorized).");
        }

        if (_weights.All(w => w.InitialLambda == 0))
        {
            throw new InvalidOperationException($"{_factorization.Plan.Name}: every factorized weight has λ = 0, which no scaling can change. Give the weights a λ > 0 (the default 3e-4 is a good start) and let the controller adapt it.");
        }

        var rates = _optimizer.FactorGroupRates();
        _groupDepths = rates.Select(r => r.Depth).ToArray();
        _peakRates = rates.Select(r => r.LearningRate).ToArray();
        // Stored as the plain-SGD momentum with the same amplification (1/(1 − β)), so checkpoints keep one format.
        _momentum = rates.Count == 0 ? 0 : 1.0 - (1.0 / rates.Max(r => r.StepAmplification));
        double largestLambda = _weights.Max(w => w.InitialLambda);
        double low = Math.Log(_options.MinLambda / largestLambda), high = Math.Log(_options.MaxLambda / largestLambda);
        MaskPhaseShrinkBudget = _fineTuneStep > 0 ? ShrinkOverMaskPhase() : double.PositiveInfinity;
        if (MaskPhaseShrinkBudget < ShortMaskPhaseShrink)
        {
            high = Math.Max(low, Math.Min(high, Math.Log(_options.MaskPhaseLambdaCeiling)));
        }

        _logScaleBounds = (low, high);
        LastProjectedCompression = LastCompression = 1.0;

        // Start low for modest targets: a weight the penalty has killed does not come back, so the target is
        // approached from below (the controller raises λ within a few shrink units when it has to).
        _logScale = Math.Clamp(
            Math.Log(_options.InitialLambdaScale ?? Math.Min(2.0, 0.5 * Math.Pow(target_compression / 100.0, 2.0 / 3.0))),
            _logScaleBounds.Low,
            _logScaleBounds.High);
        ApplyLambda();
    }

    /// <summary>The compression ratio wanted at the end of training.</summary>
    public double TargetCompression { get; }

    /// <summary>
    /// How the mask ranks weights: <see cref="CompressionControllerOptions.MaskScore"/>, with
    /// <see cref="Dwf.MaskScore.Automatic"/> resolved for this model (never <see cref="Dwf.MaskScore.Automatic"/>).
    /// Ignored when <see cref="CompressionControllerOptions.MaskScorer"/> is set.
    /// </summary>
    public MaskScore MaskScore { get; }

    /// <summary>The number of steps of the whole run.</summary>
    public long TotalSteps { get; }

    /// <summary>Steps taken so far (calls of <see cref="step"/>).</summary>
    public long Steps { get; private set; }

    /// <summary>The factor applied to every weight's initial λ.</summary>
    public double LambdaScale => Math.Exp(_logScale);

    /// <summary>
    /// The current λ of the first factorized weight before its fan-in factor (<see cref="FactorizedWeight.LambdaFactor"/>):
    /// the model's λ, which all weights share unless the plan gave them their own; 0 once the mask is fixed.
    /// </summary>
    public double Lambda => IsMaskFixed ? 0.0 : _weights[0].InitialLambda / _weights[0].Weight.LambdaFactor * LambdaScale;

    /// <summary>The intermediate target at the current step (rises from 1 to <see cref="TargetCompression"/>).</summary>
    public double CurrentTarget => IntermediateTarget((double)Steps / TotalSteps);

    /// <summary>The projected final ratio at the last update (what the controller steers).</summary>
    public double LastProjectedCompression { get; private set; }

    /// <summary>The ratio at the exact collapse threshold at the last update.</summary>
    public double LastCompression { get; private set; }

    /// <summary>
    /// The step at which the mask is fixed and fine-tuning without penalty starts
    /// (<see cref="CompressionControllerOptions.FineTuneFraction"/>), or <c>null</c> when the run has no fine-tuning phase.
    /// </summary>
    public long? FineTuneStep => _fineTuneStep > 0 ? _fineTuneStep : null;

    /// <summary>Whether the mask is fixed (the fine-tuning phase has started): λ is 0 and removed weights stay exactly zero.</summary>
    public bool IsMaskFixed { get; private set; }

    /// <summary>The magnitude below which weights were removed when the mask was fixed (<c>null</c> before).</summary>
    public double? MaskThreshold { get; private set; }

    /// <summary>Compression ratio for a sparsity (fraction of zeros): 0.99 → 100.</summary>
    public static double CompressionFromSparsity(double sparsity)
    {
        if (!(sparsity >= 0 && sparsity < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "Sparsity is the fraction of zero weights, in [0, 1) (0.99 = 99 % zeros = compression ratio 100).");
        }

        return 1.0 / (1.0 - sparsity);
    }

    /// <summary>Call after every <c>optimizer.step()</c> (and after the learning-rate scheduler's step, if any).</summary>
    public void step()
    {
        if (Steps >= TotalSteps)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"The CompressionController was created for {TotalSteps} steps and has taken them all; create it with the run's total number of steps (epochs × batches per epoch)."));
        }

        if (Steps == 0 && _maskSchedule is not null && _flowModel is not null)
        {
            // The flow needs the input's shape at the first mask event; say so now, when only one step is lost.
            FlowInputShape(_flowModel);
        }

        Steps++;
        int events = _maskSchedule?.EventsUpTo(Steps) ?? 0;
        if (!IsMaskFixed && events > 0 && _maskSchedule!.EventStep(events) == Steps)
        {
            TightenMask(events);
        }
        else if (events > 0)
        {
            ApplyMask();
        }

        if (Steps == TotalSteps)
        {
            // The end: record what Collapse() will give; a λ set now would never be trained with.
            (LastProjectedCompression, LastCompression) = Measure(1.0);
        }
        else if (!IsMaskFixed && Steps % _interval == 0)
        {
            Update();
        }
    }

    /// <summary>The controller's state, for checkpoints.</summary>
    public CompressionControllerState state_dict() =>
        new(TargetCompression, TotalSteps, Steps, _logScale, _peakRates.ToArray(), _momentum, LastProjectedCompression, LastCompression, _slope, MaskThreshold, _options.FineTuneFraction);

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="state"/> was saved by a controller with other options.</summary>
    internal void ThrowIfIncompatible(CompressionControllerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.TargetCompression != TargetCompression || state.TotalSteps != TotalSteps || state.PeakFactorRates.Count != _peakRates.Length)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"The saved controller state is for target CR {state.TargetCompression:G4} over {state.TotalSteps} steps with {state.PeakFactorRates.Count} factor groups; this controller has CR {TargetCompression:G4}, {TotalSteps} steps, {_peakRates.Length} groups. Resume with the same options."), nameof(state));
        }

        if (state.FineTuneFraction is double saved && saved != _options.FineTuneFraction)
        {
            // 0 is the paper's protocol (λ to the end), > 0 a mask phase and a fine-tune: one cannot continue the other.
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"The saved controller state is from a run with FineTuneFraction = {saved:G4}; this controller has {_options.FineTuneFraction:G4}. Resume with the same options (CompressionControllerOptions.FineTuneFraction)."), nameof(state));
        }
    }

    /// <summary>
    /// Restores a state from <see cref="state_dict"/> and applies its λ to the model. Load the model's weights first:
    /// once the mask has started to tighten, the removed weights are read from the weights' exact zeros.
    /// </summary>
    /// <exception cref="ArgumentException">The state was saved for another target, run length or optimizer.</exception>
    public void load_state_dict(CompressionControllerState state)
    {
        ThrowIfIncompatible(state);
        Steps = state.Steps;
        _logScale = state.LogLambdaScale;
        _peakRates = state.PeakFactorRates.ToArray();
        _momentum = state.Momentum;
        LastProjectedCompression = state.LastProjectedCompression;
        LastCompression = state.LastCompression;
        // The last projection is part of the trend; before the first update there is none.
        _lastLogProjected = state.Steps >= _interval ? Math.Log(state.LastProjectedCompression) : null;
        _slope = state.ProjectedSlope;
        DisposeMasks();
        MaskThreshold = state.MaskThreshold;
        IsMaskFixed = state.MaskThreshold is not null;
        if (_maskSchedule?.EventsUpTo(Steps) > 0)
        {
            // Now, before the next optimizer step: momentum moves removed factors off zero until the mask is applied again.
            _removed = ZeroPattern();
        }

        ApplyLambda();
    }

    /// <summary>What a target compression ratio must be, for messages: "finite and &gt; 1 (…)".</summary>
    public const string TargetRule = "finite and > 1 (total / non-zero weights: 100 means 99 % of the weights are zero)";

    /// <summary>Whether <paramref name="target"/> is a compression ratio a run can end at: finite and above 1.</summary>
    public static bool IsValidTarget(double target) => target > 1 && double.IsFinite(target);

    internal static void ValidateTarget(double target, string name)
    {
        if (!IsValidTarget(target))
        {
            throw new ArgumentOutOfRangeException(name, target, $"The target compression ratio must be {TargetRule}.");
        }
    }

    private double IntermediateTarget(double progress)
    {
        double p = Math.Clamp(progress / _options.RampFraction, 0.0, 1.0);
        double rise = 1.0 - Math.Pow(1.0 - p, 3);
        return Math.Exp(Math.Log(TargetCompression) * rise);
    }

    private void Update()
    {
        double progress = (double)Steps / TotalSteps;
        var (projected, exact) = Measure(progress);
        LastProjectedCompression = projected;
        LastCompression = exact;
        // The weights answer a change of λ only after a few shrink units. λ is raised only if the projected ratio is not
        // already heading for the target (its rise per shrink unit, smoothed and extrapolated), or it winds up and
        // overshoots, and a weight the penalty has killed does not come back. Above the target it is lowered at once.
        // The clock is the fraction of the run, in tenths: a run's budget is chosen so that the penalty can kill weights
        // within it, so the weights' response time is a similar fraction of any sensible run.
        double tenths = 10.0 * _interval / TotalSteps;
        double logProjected = Math.Log(projected);
        if (!double.IsFinite(logProjected))
        {
            return; // nothing measured to steer by (cannot happen with the ratio below, which is finite; kept as a guard)
        }

        if (_lastLogProjected is double previous)
        {
            double slope = Math.Max(0.0, (logProjected - previous) / tenths);
            _slope = (0.7 * _slope) + (0.3 * slope);
        }

        _lastLogProjected = logProjected;
        double heading = logProjected + (_options.Anticipation * _slope);
        double logTarget = Math.Log(IntermediateTarget(progress));
        double error = logTarget < logProjected ? logTarget - logProjected : Math.Max(0.0, logTarget - heading);
        error = Math.Clamp(error, -1.0, 1.0);

        // λ is lowered on the run's clock (at once), but raised no faster than the weights can answer: by e^Gain per unit
        // of ln-shrinkage a dying weight receives meanwhile, when that is slower than a tenth of the run.
        double clock = error > 0 && _options.PaceByShrinkage ? Math.Min(tenths, ShrinkSince(progress)) : tenths;
        _logScale = Math.Clamp(_logScale + (_options.Gain * error * clock), _logScaleBounds.Low, _logScaleBounds.High);
        ApplyLambda();
    }

    /// <summary>
    /// The ln-shrinkage a dying weight receives over the mask phase at the configured λ (count-weighted over the weights,
    /// with the schedule's learning rates); +∞ without a mask phase. Below 5 the phase is short and λ keeps
    /// <see cref="CompressionControllerOptions.MaskPhaseLambdaCeiling"/>.
    /// </summary>
    public double MaskPhaseShrinkBudget { get; }

    private double ShrinkOverMaskPhase()
    {
        var (lambda, rate) = MeanLambdaAndPeakRate(1.0);
        double steps = (_options.Schedule.RemainingIntegral(0.0) - _options.Schedule.RemainingIntegral((double)_fineTuneStep / TotalSteps)) * TotalSteps;
        return ShrinkPerStep(lambda, rate) * steps;
    }

    // The ln-shrinkage a dying weight received over the last interval: at the count-weighted mean λ and the current
    // learning rate of the schedule.
    private double ShrinkSince(double progress)
    {
        var (lambda, rate) = MeanLambdaAndPeakRate(LambdaScale);
        return ShrinkPerStep(lambda, rate * _options.Schedule.FactorAt(progress)) * _interval;
    }

    // The count-weighted means of λ (each weight's initial λ times lambdaScale) and of the factors' peak learning rate.
    private (double Lambda, double PeakRate) MeanLambdaAndPeakRate(double lambdaScale)
    {
        double lambda = 0, count = 0, rate = 0;
        foreach (var (weight, initialLambda) in _weights)
        {
            lambda += initialLambda * lambdaScale * weight.Count;
            rate += PeakRate(weight.Depth) * weight.Count;
            count += weight.Count;
        }

        return (lambda / count, rate / count);
    }

    // ln-shrinkage of a dying W per step: each of its D factors loses lr·2λ/D per step, amplified 1/(1 − β) by momentum
    // (β here the momentum of plain SGD with the optimizer's amplification: dampening and Nesterov are folded in).
    internal double ShrinkPerStep(double lambda, double factorRate) => 2.0 * lambda * factorRate / (1.0 - _momentum);

    // Total / non-zero, with at least one non-zero: an all-zero model reads as "every weight but one pruned", a
    // finite ratio the controller can steer down from (∞ would poison its logarithms).
    private static double FiniteRatio(long total, long nonZero) => (double)total / Math.Max(1, nonZero);



    // The projected and the exact ratio, over every factorized weight.
    private (double Projected, double Exact) Measure(double progress)
    {
        double remaining = _options.Schedule.RemainingIntegral(progress) * TotalSteps;
        double baseThreshold = _options.CollapseThreshold, largestThreshold = _options.MaxProjectionThreshold;
        if (_fineTuneStep > 0)
        {
            // The penalty stops when the mask is fixed, and the mask removes the weights that are still small then: a
            // weight counts as removed if the shrinkage left until that step can take it below MaxProjectionThreshold
            // (where a deep factorization's weight barely moves), but not from more than ProjectionReach times above it:
            // most weights that large have the loss's support, whatever λ promises.
            double progressAtMask = (double)_fineTuneStep / TotalSteps;
            remaining = Math.Max(0.0, _options.Schedule.RemainingIntegral(progress) - _options.Schedule.RemainingIntegral(progressAtMask)) * TotalSteps;
            baseThreshold = _options.MaxProjectionThreshold;
            largestThreshold = ProjectionReach * baseThreshold;
        }

        long total = 0, projectedNonZero = 0, exactNonZero = 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var collapse = _options.CollapseThreshold.ToScalar();
        foreach (var (weight, initialLambda) in _weights)
        {
            double peakRate = PeakRate(weight.Depth);
            double shrink = _options.ShrinkageEfficiency * ShrinkPerStep(initialLambda * LambdaScale, peakRate) * remaining;
            double threshold = Math.Min(largestThreshold, baseThreshold * Math.Exp(Math.Min(shrink, 700)));
            var magnitude = weight.Weight.detach().abs();
            total += weight.Count;
            using var projected = threshold.ToScalar();
            projectedNonZero += magnitude.ge(projected).sum().item<long>();
            exactNonZero += magnitude.ge(collapse).sum().item<long>();
        }

        return (FiniteRatio(total, projectedNonZero), SparsityReport.Ratio(total, exactNonZero));
    }

    // Factor groups are by (depth, λ): all groups of one depth share the depth multiplier, so the first one's rate will do.
    private double PeakRate(int depth)
    {
        int group = Array.IndexOf(_groupDepths, depth);
        return group >= 0 ? _peakRates[group] : _peakRates.DefaultIfEmpty(0).Max();
    }

    // Mask event k of n: keep the total·(1 − s_k) largest weights, s_k = (1 − 1/target)·(1 − (1 − k/n)³) (global
    // magnitude; never one below the collapse threshold; removed weights are 0 and stay removed). At the last event,
    // the fine-tuning phase starts: the ratio is the target, λ = 0 from now on. Held (scale-invariant) channels take
    // their new norms as the ones to hold: the removed weights' share is not to be restored.
    private void TightenMask(int k)
    {
        double sparsity = (1.0 - (1.0 / TargetCompression)) * _maskSchedule!.ShareAfter(k);
        double threshold;
        using (var scope = NewDisposeScope())
        using (var collapse = _options.CollapseThreshold.ToScalar())
        {
            // Each weight scored once: the global ranking reads the scores, the mask compares them with its threshold.
            // A scorer of the user's own runs with autograd on; the rest of the mask event needs none.
            var scores = Scores();
            using var noGrad = no_grad();
            long total = _weights.Sum(w => w.Weight.Count);
            long keep = Math.Max(1, (long)Math.Ceiling(total * (1.0 - sparsity)));
            var all = cat(scores.Select(score => score.flatten().cpu()).ToList());
            double quantile = all.topk((int)Math.Min(keep, all.numel())).values.min().item<double>();
            threshold = MaskScore == MaskScore.Magnitude && _options.MaskScorer is null ? Math.Max(_options.CollapseThreshold, quantile) : quantile;
            using var limit = threshold.ToScalar();
            var masks = _weights.Select((w, i) =>
            {
                // A threshold of 0 (more weights than the budget score nothing) removes every zero score.
                var removed = (threshold > 0 ? scores[i].lt(limit) : scores[i].le(limit)).logical_or_(w.Weight.Weight.detach().abs().lt(collapse));
                return (_removed is null ? removed : removed.logical_or_(_removed[i])).DetachFromDisposeScope();
            }).ToArray();
            DisposeMasks();
            _removed = masks;
        }

        ApplyMask();
        foreach (var (weight, _) in _weights)
        {
            weight.ScaleInvariance.Rebase(weight.Weight);
        }

        if (k == _maskSchedule.Events)
        {
            MaskThreshold = threshold;
            IsMaskFixed = true;
            ApplyLambda();
        }
    }

    // The mask's ranking score of each weight (float64, the weight's shape). Call inside a dispose scope.
    private List<Tensor> Scores()
    {
        if (_options.MaskScorer is { } scorer)
        {
            var weights = _weights.Select(w => w.Weight).ToList();
            var custom = scorer(weights);
            if (custom.Count != weights.Count)
            {
                throw new InvalidOperationException($"CompressionControllerOptions.MaskScorer returned {custom.Count} score tensors for {weights.Count} weights: return one per weight, in the order given.");
            }

            return custom.Select((score, i) => score.shape.SequenceEqual(weights[i].Shape)
                    ? score.detach().to(float64)
                    : throw new InvalidOperationException($"CompressionControllerOptions.MaskScorer returned a score of shape [{string.Join(", ", score.shape)}] for {weights[i].Path} of shape [{string.Join(", ", weights[i].Shape)}]: return one score per entry of the weight."))
                .ToList();
        }

        if (_flowModel is not null)
        {
            return SynapticFlowScore.Of(_flowModel, _weights.Select(w => w.Weight).ToList(), FlowInputShape(_flowModel));
        }

        using var noGrad = no_grad();
        return _weights.Select(w => w.Weight.Weight.detach()).Select(weight =>
            MaskScore == MaskScore.Magnitude ? weight.abs().to(float64) : LayerAdaptiveScore.Of(weight)).ToList();
    }

    // The shape of the flow's all-ones input; throws when it is not known yet.
    private long[] FlowInputShape(nn.Module flowModel) =>
        _options.FlowInputShape ?? _flowInput?.Shape ?? throw new InvalidOperationException(
            $"The mask ranks weights by synaptic flow ({(_options.MaskScore == MaskScore.Automatic ? "MaskScore.Automatic chose it: " + flowModel.GetType().Name + " has BatchNorm" : "MaskScore.SynapticFlow")}), which sends one input through the model, and the model has not been called yet, or only through forward(), which skips the hook that reads the input's shape: train with model.call(x), or set CompressionControllerOptions.FlowInputShape (e.g. [1, 3, 32, 32]), or rank by MaskScore.Magnitude.");

    // MaskScore.Automatic: the flow where the mask's magnitudes would measure BatchNorm'd layers' scales (and the flow can
    // run: one tensor in, one out; every norm a BatchNorm it calibrates), magnitude everywhere else.
    private static MaskScore AutomaticMaskScore(nn.Module model)
    {
        var norms = model.modules().Where(LayerCatalog.IsNormalization).ToList();
        bool batchNormsOnly = norms.Count > 0 && norms.All(n => n is TorchSharp.Modules.BatchNorm { running_var: not null });
        return batchNormsOnly && model is nn.Module<Tensor, Tensor> ? MaskScore.SynapticFlow : MaskScore.Magnitude;
    }

    // Removed weights stay exactly zero: their factors are zeroed after every step (momentum would move them off zero).
    private void ApplyMask()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var zero = 0.0.ToScalar();
        _removed ??= ZeroPattern();
        for (int i = 0; i < _weights.Length; i++)
        {
            var weight = _weights[i].Weight;
            var removed = _removed[i];
            for (int d = 0; d < weight.Depth; d++)
            {
                var factor = weight.Factor(d).detach();
                factor.masked_fill_(On(removed, factor), zero);
            }

            var product = weight.Weight.detach();
            product.masked_fill_(On(removed, product), zero);
        }
    }

    // The removed weights are exactly the zero ones, as long as no optimizer step has run since the mask was applied
    // (load the model's weights first, then the controller's state).
    // The mask on the tensor's device: itself when it is there already (the usual case, no copy per step); a model moved
    // after the mask was made gets a copy, which the caller's dispose scope frees.
    private static Tensor On(Tensor mask, Tensor tensor) =>
        mask.device_type == tensor.device_type && mask.device_index == tensor.device_index ? mask : mask.to(tensor.device);

    private Tensor[] ZeroPattern()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var zero = 0.0.ToScalar();
        return _weights.Select(w => w.Weight.Weight.detach().eq(zero).DetachFromDisposeScope()).ToArray();
    }

    private void DisposeMasks()
    {
        if (_removed is not null)
        {
            foreach (var mask in _removed)
            {
                mask.Dispose();
            }

            _removed = null;
        }
    }

    private void ApplyLambda()
    {
        double scale = IsMaskFixed ? 0.0 : LambdaScale;
        foreach (var (weight, initialLambda) in _weights)
        {
            weight.Settings = weight.Settings.WithLambda(initialLambda * scale, weight.Path);
        }
    }

    private static CompressionControllerOptions Validate(CompressionControllerOptions o)
    {
        Require(o.RampFraction > 0 && o.RampFraction <= 1, nameof(o.RampFraction), o.RampFraction, "must be in (0, 1]");
        Require(o.UpdateInterval is null or >= 1, nameof(o.UpdateInterval), o.UpdateInterval ?? 0, "must be at least 1");
        Require(double.IsFinite(o.Gain) && o.Gain > 0, nameof(o.Gain), o.Gain, "must be finite and > 0");
        Require(double.IsFinite(o.Anticipation) && o.Anticipation >= 0, nameof(o.Anticipation), o.Anticipation, "must be finite and ≥ 0");
        Require(o.InitialLambdaScale is null || (o.InitialLambdaScale > 0 && double.IsFinite(o.InitialLambdaScale.Value)), nameof(o.InitialLambdaScale), o.InitialLambdaScale ?? 0, "must be finite and > 0");
        Require(o.CollapseThreshold >= FactorizationDefaults.CollapseThreshold && double.IsFinite(o.CollapseThreshold), nameof(o.CollapseThreshold), o.CollapseThreshold, "must be finite and at least float32's machine epsilon 1.19e-7");
        Require(o.MaxProjectionThreshold >= o.CollapseThreshold && double.IsFinite(o.MaxProjectionThreshold), nameof(o.MaxProjectionThreshold), o.MaxProjectionThreshold, "must be finite and at least the collapse threshold (CollapseThreshold, default 1.19e-7)");
        Require(o.FineTuneFraction >= 0 && o.FineTuneFraction < 1 && o.FineTuneFraction < 1 - o.RampFraction + 1e-12, nameof(o.FineTuneFraction), o.FineTuneFraction, "must be in [0, 1) and leave the ramp (RampFraction) before the mask is fixed");
        Require(o.ShrinkageEfficiency >= 0 && o.ShrinkageEfficiency <= 1, nameof(o.ShrinkageEfficiency), o.ShrinkageEfficiency, "must be in [0, 1]");
        Require(o.MinLambda > 0 && o.MaxLambda > o.MinLambda && double.IsFinite(o.MaxLambda), nameof(o.MaxLambda), o.MaxLambda, "must be finite, with 0 < MinLambda < MaxLambda");
        Require(o.MaskPhaseLambdaCeiling > 0, nameof(o.MaskPhaseLambdaCeiling), o.MaskPhaseLambdaCeiling, "must be > 0 (double.PositiveInfinity: no ceiling)");
        Require(o.FlowInputShape is null || (o.FlowInputShape.Length >= 2 && o.FlowInputShape[0] == 1 && o.FlowInputShape.All(d => d >= 1)), nameof(o.FlowInputShape), o.FlowInputShape is null ? "null" : $"[{string.Join(", ", o.FlowInputShape)}]", "must be the shape of one input with its batch dimension 1, e.g. [1, 3, 32, 32]");
        ArgumentNullException.ThrowIfNull(o.Schedule);
        return o;
    }

    private static void Require(bool condition, string name, object value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"CompressionControllerOptions.{name} {rule}, got {value}."));
        }
    }
}
