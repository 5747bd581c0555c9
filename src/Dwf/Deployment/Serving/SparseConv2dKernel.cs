using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>A Conv2d layer (its BatchNorm possibly folded in) on tensors: [B, C, H, W] or [C, H, W] in, the same rank out.</summary>
internal sealed class SparseConv2dKernel : ILayerKernel
{
    private readonly SparseConvolution _convolution;
    private readonly int _inChannels;

    public SparseConv2dKernel(SparseConvolution convolution, int inChannels)
    {
        _inChannels = inChannels;
        _convolution = convolution;
    }

    public long NonZeroWeights => _convolution.NonZeroCount;

    public long[] OutputShape(long[] shape)
    {
        if (!(shape.Length is 3 or 4) || shape[^3] != _inChannels)
        {
            throw new ArgumentException($"A Conv2d with {_inChannels} input channels got [{LayerChain.Shape(shape)}].", nameof(shape));
        }

        var (outHeight, outWidth) = _convolution.OutputSize(checked((int)shape[^2]), checked((int)shape[^1]));
        return shape.Length == 4
            ? new long[] { shape[0], _convolution.OutChannels, outHeight, outWidth }
            : new long[] { _convolution.OutChannels, outHeight, outWidth };
    }

    public Tensor Forward(Tensor input, long[] shape, long[] outputShape)
    {
        var output = empty(outputShape, dtype: ScalarType.Float32);
        int batch = shape.Length == 4 ? checked((int)shape[0]) : 1;
        int height = checked((int)shape[^2]), width = checked((int)shape[^1]);
        if (batch == 0)
        {
            return output;
        }

        using var contiguous = input.contiguous();
        _convolution.Run(MemoryMarshal.Cast<byte, float>(contiguous.bytes), MemoryMarshal.Cast<byte, float>(output.bytes), batch, height, width);
        return output;
    }

    // The smallest spatial size keeps the module's own (discarded) forward on zero samples as cheap as it gets.
    public long[] EmptyBatchShape(long[] input) => new long[] { 0, input[^3], _convolution.SmallestInput.Height, _convolution.SmallestInput.Width };

    public void CorruptForTest() => _convolution.CorruptFirstTapForTest();
}
