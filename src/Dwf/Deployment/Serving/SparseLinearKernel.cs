using System;
using System.Linq;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>A Linear layer (its BatchNorm1d possibly folded in) on tensors: [*, in] in, [*, out] out, CSR weights.</summary>
internal sealed class SparseLinearKernel : ILayerKernel
{
    private readonly CsrMatrix _weight;
    private readonly CsrLinearStage _stage;

    public SparseLinearKernel(CsrMatrix weight, float[] bias)
    {
        _weight = weight;
        _stage = new CsrLinearStage(weight, bias);
    }

    public long NonZeroWeights => _weight.NonZeroCount;

    public long[] OutputShape(long[] shape)
    {
        if (shape.Length < 1 || shape[^1] != _weight.Columns)
        {
            throw new ArgumentException($"A Linear layer with {_weight.Columns} inputs got [{LayerChain.Shape(shape)}].", nameof(shape));
        }

        var output = shape.ToArray();
        output[^1] = _weight.Rows;
        return output;
    }

    public Tensor Forward(Tensor input, long[] shape, long[] outputShape)
    {
        var output = empty(outputShape, dtype: ScalarType.Float32);
        int rows = checked((int)(input.numel() / _weight.Columns));
        if (rows == 0)
        {
            return output;
        }

        using var contiguous = input.contiguous();
        var x = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
        var y = MemoryMarshal.Cast<byte, float>(output.bytes);
        // One sample at a time: a gathered dot product per output row (the fastest form at batch 1; the layers
        // this path serves in convolutional nets are small classifiers).
        for (int r = 0; r < rows; r++)
        {
            _stage.Run(x.Slice(r * _weight.Columns, _weight.Columns), y.Slice(r * _weight.Rows, _weight.Rows), 1);
        }

        return output;
    }

    public long[] EmptyBatchShape(long[] input) => new long[] { 0, input[^1] };

    public void CorruptForTest()
    {
        if (_weight.ValuesArray.Length > 0)
        {
            _weight.ValuesArray[0] = (_weight.ValuesArray[0] * 2f) + 1f;
        }
    }
}
