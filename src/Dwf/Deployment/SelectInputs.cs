using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// <c>input.index_select(1, index)</c>: keeps the features (or channels) a compacted model still reads,
/// so the compacted model accepts the same inputs as the original. The index is a buffer (state-dict key
/// <c>&lt;name&gt;.index</c>, int64).
/// </summary>
public sealed class SelectInputs : nn.Module<Tensor, Tensor>
{
    private readonly Tensor index;

    /// <summary>Keeps the inputs at <paramref name="kept"/> (ascending, distinct) out of <paramref name="inputCount"/>.</summary>
    public SelectInputs(long inputCount, long[] kept)
        : base(nameof(SelectInputs))
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (kept.Length == 0 || kept.Any(k => k < 0 || k >= inputCount) || kept.Zip(kept.Skip(1)).Any(p => p.First >= p.Second))
        {
            throw new ArgumentException($"SelectInputs: the kept indices must be distinct, ascending and in [0, {inputCount}).", nameof(kept));
        }

        InputCount = inputCount;
        index = tensor(kept, dtype: ScalarType.Int64);
        register_buffer(nameof(index), index);
    }

    /// <summary>Number of features (or channels) of the original input.</summary>
    public long InputCount { get; }

    /// <summary>The kept indices, ascending.</summary>
    public long[] Kept => index.data<long>().ToArray();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input.index_select(1, index);
}
