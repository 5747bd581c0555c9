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
        var flat = cat(scores.Select(s => s.detach().flatten()).ToList());
        long total = flat.numel();
        var keepFlat = KeepTop(flat, total, targetRatio);
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

    /// <summary>
    /// Keeps the ⌈n / <paramref name="targetRatio"/>⌉ highest scores of each layer of n entries (ties broken by
    /// position): every layer at the same ratio, none emptied.
    /// </summary>
    public static PruningMask KeepTopPerLayer(IReadOnlyList<(string Name, Parameter Weight)> weights, IReadOnlyList<Tensor> scores, double targetRatio)
    {
        if (!(targetRatio >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(targetRatio), targetRatio, "A target compression ratio must be ≥ 1.");
        }

        using var scope = NewDisposeScope();
        var keep = new List<Tensor>();
        for (int i = 0; i < weights.Count; i++)
        {
            var layer = weights[i].Weight;
            keep.Add(KeepTop(scores[i], layer.numel(), targetRatio).reshape(layer.shape));
        }

        return FromPattern(weights, keep);
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

    // A flat Boolean pattern on the CPU keeping the ⌈total / ratio⌉ highest scores, ranked on the CPU in float64
    // wherever the scores are: the same order (ties broken by position) on every device.
    private static Tensor KeepTop(Tensor scores, long total, double targetRatio)
    {
        var flat = scores.detach().flatten().to(float64, CPU);
        long keep = Math.Max(1, (long)Math.Ceiling(total / targetRatio));
        var (_, kept) = flat.topk((int)keep);
        using var keepValue = true.ToScalar();
        return zeros(total, dtype: ScalarType.Bool).index_fill_(0, kept, keepValue);
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
