using System;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Xunit;

namespace Dwf.Tests.Baselines;

/// <summary>The harness's results file and summary: what the committed tables are computed from.</summary>
public sealed class ExperimentBookkeepingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-runs").FullName;

    private static RunResult Result(Method method, double lambda, long seed, double accuracy, double ratio, int depth = 3, double target = 0) =>
        new(new RunSpec(method, depth, lambda, 0.1, target, seed, 40, 128), accuracy, ratio, ratio * 1.5, new[] { ("fc1.weight", ratio), ("fc3.weight", double.PositiveInfinity) }, 12.5);

    [Fact]
    public void ResultsRoundTripThroughTheCsvIncludingInfinityAndDivergedRuns()
    {
        string path = Path.Combine(_directory, "runs.csv");
        var store = RunStore.Open(path);
        store.Add(Result(Method.Dwf, 3e-4, 1, 0.9763, 116.25));
        store.Add(Result(Method.Dwf, 1e-2, 2, double.NaN, double.NaN));
        store.Add(Result(Method.Snip, 0, 1, 0.1, double.PositiveInfinity, depth: 1, target: 1000));

        var reopened = RunStore.Open(path);
        Assert.Equal(3, reopened.Results.Count);
        var first = reopened.Results[0];
        Assert.Equal(store.Results[0].Spec.Key, first.Spec.Key);
        Assert.Equal(0.9763, first.TestAccuracy, 6);
        Assert.Equal(116.25, first.CompressionRatio, 3);
        Assert.True(double.IsPositiveInfinity(first.LayerRatios[1].Ratio));
        Assert.True(double.IsNaN(reopened.Results[1].TestAccuracy));
        Assert.True(double.IsPositiveInfinity(reopened.Results[2].CompressionRatio));
        Assert.True(reopened.Contains(store.Results[2].Spec));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void AForeignFileIsRefusedRatherThanOverwritten()
    {
        string path = Path.Combine(_directory, "runs.csv");
        File.WriteAllText(path, "something else\n");
        var error = Assert.Throws<InvalidDataException>(() => RunStore.Open(path));
        Assert.Contains("--out", error.Message, StringComparison.Ordinal);
        Assert.Equal("something else\n", File.ReadAllText(path));
    }

    [Fact]
    public void SummaryAggregatesSeedsAndFindsTheLargestRatioWithinTheAccuracyBudget()
    {
        var results = new[]
        {
            Result(Method.Dense, 1e-4, 1, 0.9850, 1, depth: 1),
            Result(Method.Dense, 1e-4, 2, 0.9860, 1, depth: 1),
            Result(Method.Dwf, 2e-4, 1, 0.9790, 40),
            Result(Method.Dwf, 2e-4, 2, 0.9770, 90), // mean 97.80 % (within 1 point of 98.55 %), CR geo-mean 60
            Result(Method.Dwf, 8e-4, 1, 0.9500, 400),
            Result(Method.Dwf, 8e-4, 2, 0.9400, 400), // mean 94.5 %: within 5 points only
            Result(Method.Dwf, 1e-2, 1, double.NaN, double.NaN), // diverged: left out of the tables
            Result(Method.Snip, 0, 1, 0.95, 99.5, depth: 1, target: 100), // a whole number of weights: 0.5 % short of its target
            Result(Method.Snip, 0, 1, 0.97, 98, depth: 1, target: 98),
        };

        var aggregated = Summary.Aggregate(results);
        Assert.Equal(0.9855, Summary.DenseAccuracy(aggregated), 10);
        var dwf = aggregated.Single(a => a.Spec.Method == Method.Dwf && a.Spec.Lambda == 2e-4);
        Assert.Equal(2, dwf.Seeds);
        Assert.Equal(Math.Sqrt(40 * 90), dwf.MeanRatio, 9);
        Assert.Equal(0.001, dwf.AccuracySpread, 9);
        Assert.Equal(new[] { "fc3.weight" }, dwf.CollapsedLayers);

        Assert.Same(dwf, Summary.LargestRatioWithin(aggregated, 1).Single(s => s.Series == "DWF D=3").Best);
        Assert.Equal(400, Summary.LargestRatioWithin(aggregated, 5).Single(s => s.Series == "DWF D=3").Best!.MeanRatio, 9);
        Assert.Equal(8e-4, Summary.BestAccuracyAtLeast(aggregated, 100).Single(s => s.Series == "DWF D=3").Best!.Spec.Lambda);
        Assert.Null(Summary.BestAccuracyAtLeast(aggregated, 500).Single(s => s.Series == "DWF D=3").Best);
        Assert.Equal(99.5, Summary.BestAccuracyAtLeast(aggregated, 100).Single(s => s.Series == "SNIP").Best!.MeanRatio, 9);
        Assert.Single(Summary.Diverged(results));
        Assert.Contains("Diverged runs", Summary.Markdown("t", aggregated, "cmd", "setup", Summary.Diverged(results)), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
