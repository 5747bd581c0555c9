using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Experiments;

/// <summary>Compression ratios of the prunable weights, counted the same way for every method.</summary>
public static class Sparsity
{
    /// <summary>The exact-zero threshold of collapse (float32 machine epsilon).</summary>
    public const double Threshold = FactorizationDefaults.CollapseThreshold;

    /// <summary>(global ratio, per-layer ratios) counting |W| &lt; <paramref name="threshold"/> as zero.</summary>
    public static (double Global, IReadOnlyList<(string Layer, double Ratio)> Layers) Measure(nn.Module model, double threshold)
    {
        using var scope = NewDisposeScope();
        long total = 0, nonZero = 0;
        var layers = new List<(string, double)>();
        using var thresholdScalar = threshold.ToScalar();
        foreach (var (name, weight) in Nets.PrunableWeights(model))
        {
            long count = weight.numel();
            long kept = weight.detach().abs().ge(thresholdScalar).sum().item<long>();
            total += count;
            nonZero += kept;
            layers.Add((name, Ratio(count, kept)));
        }

        return (Ratio(total, nonZero), layers);
    }

    private static double Ratio(long total, long kept) => kept == 0 ? double.PositiveInfinity : (double)total / kept;

    /// <summary>Number of prunable weights.</summary>
    public static long Count(nn.Module model) => Nets.PrunableWeights(model).Sum(w => w.Weight.numel());
}
