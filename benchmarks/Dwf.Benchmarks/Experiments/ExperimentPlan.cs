using System;
using System.Collections.Generic;
using System.Linq;

namespace Dwf.Benchmarks.Experiments;

/// <summary>The grid of runs for one net/dataset pair. Dense runs come first (magnitude pruning needs them).</summary>
public sealed record ExperimentPlan(
    IReadOnlyList<Method> Methods,
    IReadOnlyList<long> Seeds,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double DenseWeightDecay,
    IReadOnlyList<int> Depths,
    IReadOnlyList<double> DwfLambdas,
    IReadOnlyList<double> L1Lambdas,
    IReadOnlyList<double> TargetRatios)
{
    /// <summary>Peak learning rates of the DWF runs (the learning-rate sweep varies it; otherwise just <see cref="LearningRate"/>).</summary>
    public IReadOnlyList<double>? DwfLearningRates { get; init; }

    /// <summary>A profile that finishes in a few minutes: one seed, a short schedule, a few points per method.</summary>
    public static ExperimentPlan Quick(string net) => new(
        new[] { Method.Dense, Method.Dwf, Method.L1, Method.Magnitude, Method.Random, Method.Snip, Method.SynFlow },
        new long[] { 1 },
        Epochs: net == "lenet5" ? 2 : 3,
        BatchSize: 128,
        LearningRate: 0.1,
        DenseWeightDecay: 1e-4,
        Depths: new[] { 2, 3 },
        DwfLambdas: new[] { 5e-4, 2e-3 },
        L1Lambdas: new[] { 5e-4 },
        TargetRatios: new[] { 10.0, 100.0 });

    /// <summary>The full profile: two seeds, every method, a log-spaced λ grid per depth and the target ratios 10 … 1000.</summary>
    public static ExperimentPlan Full(string net) => new(
        Enum.GetValues<Method>(),
        new long[] { 1, 2 },
        Epochs: net == "lenet5" ? 20 : 40,
        BatchSize: 128,
        LearningRate: 0.1,
        DenseWeightDecay: 1e-4,
        Depths: new[] { 2, 3, 4 },
        DwfLambdas: LogSpace(1e-4, 1e-2, 7),
        L1Lambdas: LogSpace(1e-5, 1e-3, 5),
        TargetRatios: new[] { 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0 });

    /// <summary>Every run, dense first.</summary>
    public IEnumerable<RunSpec> Runs()
    {
        var order = Methods.OrderBy(m => m == Method.Dense ? 0 : m == Method.Magnitude ? 1 : 2).ToList();
        foreach (var seed in Seeds)
        {
            foreach (var method in order)
            {
                switch (method)
                {
                    case Method.Dense:
                        yield return new RunSpec(method, 1, DenseWeightDecay, LearningRate, 0, seed, Epochs, BatchSize);
                        break;
                    case Method.Dwf:
                        foreach (var depth in Depths)
                        {
                            foreach (var lr in DwfLearningRates ?? new[] { LearningRate })
                            {
                                foreach (var lambda in DwfLambdas)
                                {
                                    yield return new RunSpec(method, depth, lambda, lr, 0, seed, Epochs, BatchSize);
                                }
                            }
                        }

                        break;
                    case Method.L1:
                        foreach (var lambda in L1Lambdas)
                        {
                            yield return new RunSpec(method, 1, lambda, LearningRate, 0, seed, Epochs, BatchSize);
                        }

                        break;
                    case Method.Magnitude:
                        foreach (var ratio in TargetRatios)
                        {
                            yield return new RunSpec(method, 1, DenseWeightDecay, LearningRate, ratio, seed, Epochs, BatchSize);
                        }

                        break;
                    default:
                        foreach (var ratio in TargetRatios)
                        {
                            yield return new RunSpec(method, 1, 0, LearningRate, ratio, seed, Epochs, BatchSize);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>n values from a to b, evenly spaced in log scale, rounded to 3 significant digits.</summary>
    public static double[] LogSpace(double a, double b, int n) =>
        Enumerable.Range(0, n)
            .Select(i => Math.Exp(Math.Log(a) + (Math.Log(b) - Math.Log(a)) * i / (n - 1)))
            .Select(v => double.Parse(v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
}
