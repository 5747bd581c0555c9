using System;
using System.Collections.Generic;
using System.Linq;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Benchmarks.Experiments;

/// <summary>
/// Gradual magnitude pruning (Zhu &amp; Gupta 2017, "To prune, or not to prune"): while training goes on, every Δt steps
/// from t₀ to t₀ + nΔt the smallest-magnitude weights are pruned so that the sparsity follows the cubic schedule
/// s_t = s_f·(1 − (1 − (t − t₀)/(nΔt))³), then training continues with the mask held. What TensorFlow Model Optimization
/// and SparseML offer as their default pruning; here with a global magnitude ranking across layers, like the other
/// baselines of the harness.
/// </summary>
public sealed class GradualMagnitudePruning : IDisposable
{
    private readonly IReadOnlyList<(string Name, Parameter Weight)> _weights;
    private PruningMask? _mask;

    /// <param name="weights">The prunable weights.</param>
    /// <param name="targetRatio">The compression ratio at the end (≥ 1).</param>
    /// <param name="totalSteps">Steps of the whole run.</param>
    /// <param name="begin">Fraction of the run at which pruning starts (t₀; default 5 %).</param>
    /// <param name="end">Fraction of the run at which the final sparsity is reached (t₀ + nΔt; default 65 %, leaving a third to recover).</param>
    /// <param name="pruningSteps">n, the number of pruning events (default 60, i.e. Δt = 1 % of the run).</param>
    public GradualMagnitudePruning(IReadOnlyList<(string Name, Parameter Weight)> weights, double targetRatio, long totalSteps, double begin = 0.05, double end = 0.65, int pruningSteps = 60)
    {
        if (!(targetRatio >= 1) || totalSteps < 1 || !(begin >= 0 && begin < end && end <= 1) || pruningSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(targetRatio), "Need a target ratio ≥ 1, at least one step, 0 ≤ begin < end ≤ 1 and at least one pruning step.");
        }

        _weights = weights;
        TargetRatio = targetRatio;
        FinalSparsity = 1.0 - (1.0 / targetRatio);
        BeginStep = (long)Math.Round(begin * totalSteps);
        EndStep = Math.Max(BeginStep + pruningSteps, (long)Math.Round(end * totalSteps));
        Interval = Math.Max(1, (EndStep - BeginStep) / pruningSteps);
    }

    /// <summary>The compression ratio at the end.</summary>
    public double TargetRatio { get; }

    /// <summary>s_f = 1 − 1/CR.</summary>
    public double FinalSparsity { get; }

    /// <summary>t₀.</summary>
    public long BeginStep { get; }

    /// <summary>t₀ + nΔt.</summary>
    public long EndStep { get; }

    /// <summary>Δt.</summary>
    public long Interval { get; }

    /// <summary>The scheduled sparsity after step <paramref name="step"/> (0 before t₀, s_f from t₀ + nΔt on; piecewise constant between pruning events).</summary>
    public double SparsityAt(long step)
    {
        if (step < BeginStep)
        {
            return 0.0;
        }

        long last = BeginStep + ((Math.Min(step, EndStep) - BeginStep) / Interval * Interval);
        double progress = Math.Min(1.0, (double)(last - BeginStep) / (EndStep - BeginStep));
        if (step >= EndStep)
        {
            progress = 1.0;
        }

        return FinalSparsity * (1.0 - Math.Pow(1.0 - progress, 3));
    }

    /// <summary>
    /// Call after optimizer step <paramref name="step"/> (0-based): prunes at the scheduled steps, re-applies the mask
    /// otherwise (the optimizer's momentum would move pruned weights again). After a resume the mask is rebuilt from
    /// the weights themselves: the pruned ones are exactly 0.
    /// </summary>
    public void OnStep(long step)
    {
        bool pruningEvent = step >= BeginStep && (step == EndStep || (step < EndStep && (step - BeginStep) % Interval == 0));
        if (pruningEvent)
        {
            Prune(SparsityAt(step));
        }
        else if (_mask is null && step > BeginStep)
        {
            Prune(SparsityAt(step)); // resumed between events: the same keep count, from the current magnitudes
        }
        else
        {
            _mask?.Apply();
        }
    }

    /// <summary>Applies the final sparsity (in case the run ended before t₀ + nΔt) and the mask.</summary>
    public void Finish() => Prune(FinalSparsity);

    /// <inheritdoc/>
    public void Dispose() => _mask?.Dispose();

    private void Prune(double sparsity)
    {
        var scores = _weights.Select(w => w.Weight.detach().abs()).ToList();
        var mask = PruningMask.KeepTopGlobally(_weights, scores, 1.0 / (1.0 - sparsity));
        foreach (var score in scores)
        {
            score.Dispose();
        }

        _mask?.Dispose();
        _mask = mask;
        _mask.Apply();
    }
}
