using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Benchmarks.Experiments;

/// <summary>A binary mask per prunable weight, chosen by keeping the globally highest scores.</summary>
public sealed class PruningMask : IDisposable
{
    private readonly List<(Parameter Weight, Tensor Mask)> _masks;

    private PruningMask(List<(Parameter, Tensor)> masks) => _masks = masks;

    /// <summary>
    /// Keeps the ⌈total / <paramref name="targetRatio"/>⌉ entries with the highest scores across all layers
    /// (ties broken by position, so the kept count is exact).
    /// </summary>
    public static PruningMask KeepTopGlobally(IReadOnlyList<(string Name, Parameter Weight)> weights, IReadOnlyList<Tensor> scores, double targetRatio)
    {
        if (!(targetRatio >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(targetRatio), targetRatio, "A target compression ratio must be ≥ 1.");
        }

        using var scope = NewDisposeScope();
        // Ranked on the CPU wherever the scores are: the same order (ties broken by position) on every device.
        var flat = cat(scores.Select(s => s.detach().flatten().to(float64, CPU)).ToList());
        long total = flat.numel();
        long keep = Math.Max(1, (long)Math.Ceiling(total / targetRatio));
        var (_, kept) = flat.topk((int)keep);
        using var keepValue = true.ToScalar();
        var keepFlat = zeros(total, dtype: ScalarType.Bool).index_fill_(0, kept, keepValue);
        var masks = new List<(Parameter, Tensor)>();
        long offset = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            var weight = weights[i].Weight;
            long n = weight.numel();
            var mask = keepFlat.narrow(0, offset, n).reshape(weight.shape).to(weight.dtype, weight.device).DetachFromDisposeScope();
            masks.Add((weight, mask));
            offset += n;
        }

        return new PruningMask(masks);
    }

    /// <summary>A mask from explicit keep patterns (non-zero = keep), one per weight.</summary>
    public static PruningMask FromPattern(IReadOnlyList<(string Name, Parameter Weight)> weights, IReadOnlyList<Tensor> keep)
    {
        var masks = new List<(Parameter, Tensor)>();
        using var zero = 0.ToScalar();
        for (int i = 0; i < weights.Count; i++)
        {
            masks.Add((weights[i].Weight, keep[i].ne(zero).to(weights[i].Weight.dtype, weights[i].Weight.device).reshape(weights[i].Weight.shape).DetachFromDisposeScope()));
        }

        return new PruningMask(masks);
    }

    /// <summary>Zeroes the pruned entries (call after every optimizer step to keep them pruned).</summary>
    public void Apply()
    {
        using var noGrad = no_grad();
        foreach (var (weight, mask) in _masks)
        {
            weight.mul_(mask);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, mask) in _masks)
        {
            mask.Dispose();
        }
    }
}
