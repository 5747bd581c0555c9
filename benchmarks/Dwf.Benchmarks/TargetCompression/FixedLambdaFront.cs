using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Benchmarks.Experiments;

namespace Dwf.Benchmarks.TargetCompression;

/// <summary>
/// The accuracy–compression front of fixed-λ DWF runs at one depth and budget: per λ the mean accuracy over seeds and
/// the geometric-mean ratio, reduced to the points no other point beats on both (the upper envelope), interpolated
/// linearly in log CR.
/// </summary>
public sealed class FixedLambdaFront
{
    private readonly IReadOnlyList<AggregatedRun> _points;

    private FixedLambdaFront(IReadOnlyList<AggregatedRun> points) => _points = points;

    /// <summary>The front's points, by increasing ratio.</summary>
    public IReadOnlyList<AggregatedRun> Points => _points;

    /// <summary>The front of the DWF runs of <paramref name="depth"/> with <paramref name="epochs"/> epochs (diverged runs are left out).</summary>
    public static FixedLambdaFront Of(IEnumerable<RunResult> results, int depth, int epochs)
    {
        var runs = Summary.Aggregate(results.Where(r => r.Spec.Method == Method.Dwf && r.Spec.Depth == depth && r.Spec.Epochs == epochs))
            .Where(r => double.IsFinite(r.MeanRatio))
            .OrderBy(r => r.MeanRatio)
            .ToList();
        var envelope = runs.Where(r => !runs.Any(o => o.MeanRatio >= r.MeanRatio && o.MeanAccuracy > r.MeanAccuracy && !ReferenceEquals(o, r))).ToList();
        return new FixedLambdaFront(envelope);
    }

    /// <summary>The front's accuracy at <paramref name="ratio"/>, or null outside its range of ratios.</summary>
    public double? AccuracyAt(double ratio)
    {
        for (int i = 0; i + 1 < _points.Count; i++)
        {
            var (a, b) = (_points[i], _points[i + 1]);
            if (ratio >= a.MeanRatio && ratio <= b.MeanRatio)
            {
                double t = (Math.Log(ratio) - Math.Log(a.MeanRatio)) / (Math.Log(b.MeanRatio) - Math.Log(a.MeanRatio));
                return a.MeanAccuracy + (t * (b.MeanAccuracy - a.MeanAccuracy));
            }
        }

        return _points.Count == 1 && Math.Abs(Math.Log(ratio / _points[0].MeanRatio)) < 1e-9 ? _points[0].MeanAccuracy : null;
    }
}
