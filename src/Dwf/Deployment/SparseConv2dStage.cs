using System;

namespace Dwf.Deployment;

/// <summary>
/// A Conv2d step of a <see cref="SparseModel"/> chain: <see cref="SparseConvolution"/> (one contiguous vector
/// update per non-zero tap) on the chain's fixed input size. Sample-major, one sample at a time.
/// </summary>
internal sealed class SparseConv2dStage : ISparseStage
{
    private readonly SparseConvolution _convolution;
    private readonly int _inHeight, _inWidth;

    public SparseConv2dStage(SparseConvolution convolution, int inChannels, int inHeight, int inWidth)
    {
        _convolution = convolution;
        _inHeight = inHeight;
        _inWidth = inWidth;
        InputSize = inChannels * inHeight * inWidth;
        var (outHeight, outWidth) = convolution.OutputSize(inHeight, inWidth);
        OutputSize = convolution.OutChannels * outHeight * outWidth;
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public BatchLayout Layout => BatchLayout.SampleMajor;

    public bool InPlace => false;

    public long WeightBytes => _convolution.WeightBytes;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch) =>
        _convolution.Run(input, output, batch, _inHeight, _inWidth);

    /// <summary>Test hook: changes one stored weight.</summary>
    internal void CorruptForTest() => _convolution.CorruptFirstTapForTest();
}
