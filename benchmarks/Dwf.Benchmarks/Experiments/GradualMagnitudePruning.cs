using System;
using System.Collections.Generic;
using System.Linq;
using Dwf;
using static TorchSharp.torch;
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
    /// <param name="pruningSteps">n, the number of pruning events after t₀ (default 60, about one per 1 % of the run).</param>
    public GradualMagnitudePruning(IReadOnlyList<(string Name, Parameter Weight)> weights, double targetRatio, long totalSteps, double begin = 0.05, double end = 0.65, int pruningSteps = 60)
    {
        if (!(targetRatio >= 1) || totalSteps < 1 || !(begin >= 0 && begin < end && end <= 1) || pruningSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(targetRatio), "Need a target ratio ≥ 1, at least one step, 0 ≤ begin < end ≤ 1 and at least one pruning step.");
        }

        _weights = weights;
        TargetRatio = targetRatio;
        FinalSparsity = 1.0 - (1.0 / targetRatio);
        long beginStep = (long)Math.Round(begin * totalSteps);
        Schedule = new CubicPruningSchedule(beginStep, Math.Max(beginStep + pruningSteps, (long)Math.Round(end * totalSteps)), pruningSteps);
    }

    /// <summary>The cubic schedule (the one the library's <see cref="CompressionController"/> tightens its mask on).</summary>
    public CubicPruningSchedule Schedule { get; }

    /// <summary>The compression ratio at the end.</summary>
    public double TargetRatio { get; }

    /// <summary>Whether every layer is pruned to the scheduled ratio by its own ranking (default: one global ranking).</summary>
    public bool PerLayer { get; init; }

    /// <summary>s_f = 1 − 1/CR.</summary>
    public double FinalSparsity { get; }

    /// <summary>t₀.</summary>
    public long BeginStep => Schedule.BeginStep;

    /// <summary>t₀ + nΔt.</summary>
    public long EndStep => Schedule.EndStep;

    /// <summary>n: pruning events k = 1 … n happen at the steps t₀ + round(k·(end − t₀)/n).</summary>
    public int PruningSteps => Schedule.Events;

    /// <summary>The step of pruning event <paramref name="k"/> (1 … n).</summary>
    public long EventStep(int k) => Schedule.EventStep(k);

    /// <summary>The scheduled sparsity after step <paramref name="step"/>: s_f·(1 − (1 − k/n)³) after event k, 0 before the first, s_f from the last on.</summary>
    public double SparsityAt(long step) => FinalSparsity * Schedule.ShareAt(step);

    /// <summary>
    /// Call after optimizer step <paramref name="step"/> (0-based): prunes at the scheduled steps, re-applies the mask
    /// otherwise (the optimizer's momentum would move pruned weights again). After a resume the mask is rebuilt from
    /// the weights themselves: the pruned ones are exactly 0.
    /// </summary>
    public void OnStep(long step)
    {
        int events = Schedule.EventsUpTo(step);
        bool pruningEvent = events > 0 && EventStep(events) == step;
        if (pruningEvent || (_mask is null && events > 0))
        {
            Prune(SparsityAt(step)); // a scheduled event, or a resume between events (same keep count, from the magnitudes)
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
        PruningMask mask;
        using (var scope = NewDisposeScope())
        {
            var scores = _weights.Select(w => w.Weight.detach().abs()).ToList();
            double ratio = 1.0 / (1.0 - sparsity);
            mask = PerLayer ? PruningMask.KeepTopPerLayer(_weights, scores, ratio) : PruningMask.KeepTopGlobally(_weights, scores, ratio);
        }

        _mask?.Dispose();
        _mask = mask;
        _mask.Apply();
    }
}
