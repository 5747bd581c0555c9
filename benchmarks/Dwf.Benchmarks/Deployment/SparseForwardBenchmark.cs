using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Benchmarks.Shared;
using Dwf.Deployment;
using Dwf.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Deployment;

/// <summary>Settings of the <c>sparse-forward</c> verb.</summary>
internal sealed record SparseForwardSettings(IReadOnlyList<string> Models, IReadOnlyList<double> CompressionRatios, IReadOnlyList<int> Batches, int Rounds, long Seed, int TorchThreads);

/// <summary>One line of the sparse-forward table.</summary>
internal sealed record SparseForwardRow(string Model, double TargetRatio, double Ratio, int Batch, string Form, TimeSpan PerForward, double SpeedUp, long NonZero, double MaxRelativeDifference);

/// <summary>
/// <see cref="SparseForward"/> against the dense eval-mode forward of the same weights: residual nets with
/// BatchNorm (the hooks path) and the LeNets (the chain path, and the hooks path forced for comparison), at
/// compression ratios made by random masks, timed in interleaved rounds in one process.
/// </summary>
internal static class SparseForwardBenchmark
{
    public static IEnumerable<SparseForwardRow> Run(SparseForwardSettings s)
    {
        foreach (string name in s.Models)
        {
            foreach (double target in s.CompressionRatios)
            {
                foreach (var row in Measure(name, target, s))
                {
                    yield return row;
                }
            }
        }
    }

    /// <summary>One sample's shape for <paramref name="name"/>.</summary>
    public static long[] InputShape(string name) => Nets.Flatten(name) ? new long[] { 784 } : new long[] { 1, 28, 28 };

    private static IEnumerable<SparseForwardRow> Measure(string name, double target, SparseForwardSettings s)
    {
        var shape = InputShape(name);
        var dense = Build(name, target, s.Seed, out double ratio, out long nonZero);
        var forms = new List<(string Name, nn.Module<Tensor, Tensor> Module)> { ("dense (TorchSharp)", dense) };
        var sparse = SparseForward.Create(Build(name, target, s.Seed, out _, out _), shape);
        forms.Add(($"SparseForward ({sparse.Path})", sparse));
        if (sparse.Path != SparseServingPath.Hooks)
        {
            forms.Add(("SparseForward (Hooks, forced)", SparseForward.Create(Build(name, target, s.Seed, out _, out _), shape, new SparseForwardOptions { Path = SparseServingPath.Hooks })));
        }

        Console.WriteLine($"{Nets.DisplayName(name)} at CR {ratio:F1} (random mask for target {target}): {sparse.NonZeroWeights} non-zero weights served sparsely");
        var generator = new Generator((ulong)s.Seed + 7);
        using var check = randn(new[] { 256L }.Concat(shape).ToArray(), generator: generator);
        var differences = forms.Select(f => DeploymentBenchmark.MaxRelativeDifference(dense, f.Module, check)).ToArray();

        int defaultThreads = get_num_threads();
        set_num_threads(s.TorchThreads);
        try
        {
            foreach (int batch in s.Batches)
            {
                using var input = randn(new[] { (long)batch }.Concat(shape).ToArray(), generator: generator);
                var times = ForwardTimer.MedianPerForward(forms.Select(f => f.Module).ToArray(), input, s.Rounds);
                for (int f = 0; f < forms.Count; f++)
                {
                    Console.WriteLine($"  batch {batch,3}  {forms[f].Name,-32} {Format.Micro(times[f]),8} µs  x{times[0] / times[f]:F2}  max rel diff {differences[f]:G2}");
                    yield return new SparseForwardRow(Nets.DisplayName(name), target, ratio, batch, forms[f].Name, times[f], times[0] / times[f], f == 0 ? nonZero : ((SparseForward)forms[f].Module).NonZeroWeights, differences[f]);
                }
            }
        }
        finally
        {
            set_num_threads(defaultThreads);
            foreach (var form in forms.Skip(1))
            {
                form.Module.Dispose();
            }
        }
    }

    // The same network every time for a seed: initialization, a random mask keeping each weight of every
    // Linear/Conv layer with probability 1/CR, and BatchNorm statistics and affine parameters drawn away from
    // their identity initialization (what a trained net has, and what folding must get right).
    private static nn.Module<Tensor, Tensor> Build(string name, double target, long seed, out double ratio, out long nonZero)
    {
        manual_seed(seed);
        var model = Nets.Create(name);
        var generator = new Generator((ulong)seed + 1);
        long total = 0;
        nonZero = 0;
        using (no_grad())
        using (var keepProbability = (1.0 / target).ToScalar())
        using (var spread = 0.2.ToScalar())
        using (var half = 0.5.ToScalar())
        {
            foreach (var (_, weight) in Nets.PrunableWeights(model))
            {
                using var keep = rand(weight.shape, generator: generator).lt(keepProbability);
                weight.mul_(keep);
                total += weight.numel();
                nonZero += weight.count_nonzero().item<long>();
            }

            foreach (var norm in model.modules().OfType<BatchNorm2d>())
            {
                long n = norm.num_features;
                norm.running_mean!.copy_(randn(n, generator: generator).mul(spread));
                norm.running_var!.copy_(rand(n, generator: generator).add(half, Scalars.One));
                norm.weight.copy_(rand(n, generator: generator).add(half, Scalars.One));
                norm.bias!.copy_(randn(n, generator: generator).mul(spread));
            }
        }

        ratio = (double)total / Math.Max(nonZero, 1);
        model.eval();
        return model;
    }
}
