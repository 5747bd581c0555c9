using System;
using System.Collections.Generic;

namespace Dwf.Deployment;

/// <summary>
/// A 2-D convolution computed directly from its non-zero weights: each stored weight w[o, c, kh, kw] adds
/// w · (the input plane c shifted by the tap) to the output plane o, row by row (a vector loop when the stride
/// is 1). Zero padding is handled by clipping each tap's valid output range, computed once at construction.
/// Sample-major, one sample at a time.
/// </summary>
internal sealed class SparseConv2dStage : ISparseStage
{
    private readonly int _outChannels, _outHeight, _outWidth, _inHeight, _inWidth, _inChannels;
    private readonly int _strideH, _strideW;
    private readonly int[] _tapStarts; // per output channel, into the tap arrays
    private readonly float[] _tapValues;
    private readonly int[] _tapOffsets; // input index of output (0, 0) for this tap (may be negative: clipped by the ranges)
    private readonly int[] _tapRanges;  // [ohStart, ohEnd, owStart, owEnd) per tap
    private readonly float[] _bias;

    public SparseConv2dStage(float[] weight, float[] bias, int outChannels, int inChannels, int kernelH, int kernelW, int[] stride, int[] padding, int[] dilation, int inHeight, int inWidth, int outHeight, int outWidth)
    {
        _outChannels = outChannels;
        _inChannels = inChannels;
        _inHeight = inHeight;
        _inWidth = inWidth;
        _outHeight = outHeight;
        _outWidth = outWidth;
        _strideH = stride[0];
        _strideW = stride[1];
        _bias = bias;
        var starts = new int[outChannels + 1];
        var values = new List<float>();
        var offsets = new List<int>();
        var ranges = new List<int>();
        for (int o = 0; o < outChannels; o++)
        {
            starts[o] = values.Count;
            for (int c = 0; c < inChannels; c++)
            {
                for (int kh = 0; kh < kernelH; kh++)
                {
                    for (int kw = 0; kw < kernelW; kw++)
                    {
                        float w = weight[(((o * inChannels) + c) * kernelH + kh) * kernelW + kw];
                        if (w == 0f)
                        {
                            continue;
                        }

                        // Input row of output row oh: oh·stride − padding + kh·dilation; valid when in [0, inHeight).
                        int shiftH = (kh * dilation[0]) - padding[0];
                        int shiftW = (kw * dilation[1]) - padding[1];
                        var (h0, h1) = ValidRange(shiftH, _strideH, inHeight, outHeight);
                        var (w0, w1) = ValidRange(shiftW, _strideW, inWidth, outWidth);
                        if (h0 >= h1 || w0 >= w1)
                        {
                            continue; // the tap only ever reads padding
                        }

                        values.Add(w);
                        offsets.Add((c * inHeight * inWidth) + (shiftH * inWidth) + shiftW);
                        ranges.AddRange(new[] { h0, h1, w0, w1 });
                    }
                }
            }
        }

        starts[outChannels] = values.Count;
        _tapStarts = starts;
        _tapValues = values.ToArray();
        _tapOffsets = offsets.ToArray();
        _tapRanges = ranges.ToArray();
    }

    public int InputSize => _inChannels * _inHeight * _inWidth;

    public int OutputSize => _outChannels * _outHeight * _outWidth;

    public BatchLayout Layout => BatchLayout.SampleMajor;

    public bool InPlace => false;

    public long WeightBytes => (_tapValues.LongLength + _tapOffsets.LongLength + _tapRanges.LongLength + _tapStarts.LongLength + _bias.LongLength) * 4;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        int plane = _outHeight * _outWidth;
        for (int b = 0; b < batch; b++)
        {
            var x = input.Slice(b * InputSize, InputSize);
            var y = output.Slice(b * OutputSize, OutputSize);
            for (int o = 0; o < _outChannels; o++)
            {
                var outPlane = y.Slice(o * plane, plane);
                outPlane.Fill(_bias[o]);
                for (int t = _tapStarts[o]; t < _tapStarts[o + 1]; t++)
                {
                    AddTap(x, outPlane, t);
                }
            }
        }
    }

    private void AddTap(ReadOnlySpan<float> x, Span<float> outPlane, int t)
    {
        float w = _tapValues[t];
        int offset = _tapOffsets[t];
        int h0 = _tapRanges[4 * t], h1 = _tapRanges[(4 * t) + 1], w0 = _tapRanges[(4 * t) + 2], w1 = _tapRanges[(4 * t) + 3];
        int width = w1 - w0;
        for (int oh = h0; oh < h1; oh++)
        {
            int inRow = offset + (oh * _strideH * _inWidth);
            var outRow = outPlane.Slice((oh * _outWidth) + w0, width);
            if (_strideW == 1)
            {
                SimdKernels.Axpy(w, x.Slice(inRow + w0, width), outRow);
            }
            else
            {
                for (int ow = 0; ow < width; ow++)
                {
                    outRow[ow] += w * x[inRow + ((w0 + ow) * _strideW)];
                }
            }
        }
    }

    // Output positions p in [0, outSize) with 0 ≤ p·stride + shift < inSize.
    private static (int Start, int End) ValidRange(int shift, int stride, int inSize, int outSize)
    {
        int start = Math.Max(0, CeilDiv(-shift, stride));
        int end = Math.Min(outSize, FloorDiv(inSize - 1 - shift, stride) + 1);
        return (start, end);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);

    private static int CeilDiv(int a, int b) => (int)Math.Ceiling((double)a / b);
}
