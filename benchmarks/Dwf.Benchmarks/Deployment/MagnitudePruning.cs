using System;
using System.Linq;
using Dwf.Deployment;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Deployment;

/// <summary>
/// Global magnitude pruning of a trained dense model to a target compression ratio: one threshold over all
/// weight tensors of the chain's layers, entries below it set to exactly zero (as collapse leaves them). Biases
/// are kept. This gives collapsed-looking models at chosen compression ratios for the deployment curve.
/// </summary>
internal static class MagnitudePruning
{
    /// <summary>Prunes in place; returns the compression ratio reached (total / non-zero weights).</summary>
    public static double Prune(LayerChain chain, double compressionRatio)
    {
        if (!(compressionRatio >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(compressionRatio), compressionRatio, "The compression ratio must be ≥ 1.");
        }

        var weights = chain.Steps.Select(s => s switch
        {
            LinearStep l => l.Layer.weight!,
            Conv2dStep c => c.Layer.weight,
            _ => null,
        }).Where(w => w is not null).Select(w => w!).ToArray();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var magnitudes = cat(weights.Select(w => w.detach().abs().flatten()).ToArray());
        long total = magnitudes.numel();
        long keep = Math.Max(1, (long)Math.Round(total / compressionRatio));
        var sorted = magnitudes.sort(descending: true).Values;
        double threshold = sorted[keep - 1].item<float>();
        long nonZero = 0;
        using var thresholdScalar = threshold.ToScalar();
        using var zero = 0.0.ToScalar();
        foreach (var weight in weights)
        {
            weight.masked_fill_(weight.abs().lt(thresholdScalar), zero);
            nonZero += weight.count_nonzero().item<long>();
        }

        return (double)total / nonZero;
    }
}
