using System;

namespace Dwf;

/// <summary>
/// When gradual pruning removes weights and how many: Zhu &amp; Gupta's cubic schedule ("To prune, or not to prune",
/// 2017). <see cref="Events"/> pruning events happen at the steps b + round(k·(e − b)/n), k = 1 … n, and after event k
/// the sparsity is the final one times 1 − (1 − k/n)³: fast while many weights are redundant, slow near the end.
/// The <see cref="CompressionController"/>'s mask phase and the benchmarks' gradual magnitude pruning both follow it.
/// </summary>
public sealed class CubicPruningSchedule
{
    /// <summary>Creates the schedule of <paramref name="events"/> events after <paramref name="beginStep"/>, the last one at <paramref name="endStep"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When there is not one step per event between the two steps.</exception>
    public CubicPruningSchedule(long beginStep, long endStep, int events)
    {
        if (beginStep < 0 || events < 1 || endStep - beginStep < events)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events, $"A cubic pruning schedule needs 0 ≤ begin and at least one step per event between begin and end; got begin {beginStep}, end {endStep}, {events} events.");
        }

        BeginStep = beginStep;
        EndStep = endStep;
        Events = events;
    }

    /// <summary>b: the step after which the first event comes (nothing is pruned up to it).</summary>
    public long BeginStep { get; }

    /// <summary>e: the step of the last event, at which the final sparsity is reached.</summary>
    public long EndStep { get; }

    /// <summary>n, the number of pruning events.</summary>
    public int Events { get; }

    /// <summary>The step of event <paramref name="k"/> (1 … n): b + round(k·(e − b)/n); distinct for distinct k.</summary>
    public long EventStep(int k) => BeginStep + (long)Math.Round((double)k * (EndStep - BeginStep) / Events);

    /// <summary>The number of events at or before <paramref name="step"/> (0 … n).</summary>
    public int EventsUpTo(long step)
    {
        if (step < EventStep(1))
        {
            return 0;
        }

        int low = 1, high = Events;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (EventStep(middle) <= step)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>The share of the final sparsity reached after event <paramref name="k"/>: 1 − (1 − k/n)³ (0 before the first event, 1 from the last).</summary>
    public double ShareAfter(int k) => 1.0 - Math.Pow(1.0 - ((double)Math.Clamp(k, 0, Events) / Events), 3);

    /// <summary>The share of the final sparsity scheduled after <paramref name="step"/>.</summary>
    public double ShareAt(long step) => ShareAfter(EventsUpTo(step));
}
