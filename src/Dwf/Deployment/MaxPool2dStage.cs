using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dwf.Deployment;

/// <summary>
/// Max pooling of [C, H, W] samples. Each window is clipped to the input (what PyTorch's −∞ padding amounts to);
/// the clipped tap ranges of every output row and column are computed once at construction, so the inner loops
/// have no bounds tests. NaN propagates, as in PyTorch. Sample-major.
/// </summary>
internal sealed class MaxPool2dStage : ISparseStage
{
    private readonly int _channels, _inH, _inW, _outH, _outW;
    private readonly int[] _rowStart, _rowEnd, _columnStart, _columnEnd; // tap index ranges per output row / column
    private readonly int[] _rowOrigin, _columnOrigin;                       // input index of tap 0 per output row / column
    private readonly int _dilationH, _dilationW;
    private readonly bool _isTwoByTwo;

    public MaxPool2dStage(int channels, int inH, int inW, int outH, int outW, int[] kernel, int[] stride, int[] padding, int[] dilation)
    {
        (_channels, _inH, _inW, _outH, _outW) = (channels, inH, inW, outH, outW);
        (_dilationH, _dilationW) = (dilation[0], dilation[1]);
        (_rowOrigin, _rowStart, _rowEnd) = Windows(outH, inH, kernel[0], stride[0], padding[0], dilation[0]);
        (_columnOrigin, _columnStart, _columnEnd) = Windows(outW, inW, kernel[1], stride[1], padding[1], dilation[1]);
        _isTwoByTwo = kernel[0] == 2 && kernel[1] == 2 && stride[0] == 2 && stride[1] == 2 && padding[0] == 0 && padding[1] == 0
            && dilation[0] == 1 && dilation[1] == 1 && 2 * outH <= inH && 2 * outW <= inW;
    }

    public int InputSize => _channels * _inH * _inW;

    public int OutputSize => _channels * _outH * _outW;

    public BatchLayout Layout => BatchLayout.SampleMajor;

    public bool InPlace => false;

    public long WeightBytes => 0;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        int planes = batch * _channels;
        if (input.Length < planes * _inH * _inW || output.Length < planes * _outH * _outW)
        {
            throw new ArgumentException("Buffers too small for the batch.");
        }

        ref float x0 = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        if (_isTwoByTwo)
        {
            TwoByTwo(ref x0, ref y, planes);
            return;
        }

        for (int plane = 0; plane < planes; plane++)
        {
            ref float x = ref Unsafe.Add(ref x0, plane * _inH * _inW);
            for (int oh = 0; oh < _outH; oh++)
            {
                for (int ow = 0; ow < _outW; ow++)
                {
                    float max = float.NegativeInfinity;
                    for (int kh = _rowStart[oh]; kh < _rowEnd[oh]; kh++)
                    {
                        int row = (_rowOrigin[oh] + (kh * _dilationH)) * _inW;
                        for (int kw = _columnStart[ow]; kw < _columnEnd[ow]; kw++)
                        {
                            max = MathF.Max(max, Unsafe.Add(ref x, row + _columnOrigin[ow] + (kw * _dilationW)));
                        }
                    }

                    y = max;
                    y = ref Unsafe.Add(ref y, 1);
                }
            }
        }
    }

    // The common 2×2, stride-2 pooling without padding: four loads and three comparisons per output.
    private void TwoByTwo(ref float x0, ref float y, int planes)
    {
        for (int plane = 0; plane < planes; plane++)
        {
            ref float x = ref Unsafe.Add(ref x0, plane * _inH * _inW);
            for (int oh = 0; oh < _outH; oh++)
            {
                ref float top = ref Unsafe.Add(ref x, 2 * oh * _inW);
                ref float bottom = ref Unsafe.Add(ref top, _inW);
                for (int ow = 0; ow < _outW; ow++)
                {
                    int j = 2 * ow;
                    y = MathF.Max(MathF.Max(Unsafe.Add(ref top, j), Unsafe.Add(ref top, j + 1)), MathF.Max(Unsafe.Add(ref bottom, j), Unsafe.Add(ref bottom, j + 1)));
                    y = ref Unsafe.Add(ref y, 1);
                }
            }
        }
    }

    // For each output position: the input index of tap 0 (may be negative) and the range of taps inside the input.
    private static (int[] Origin, int[] Start, int[] End) Windows(int outSize, int inSize, int kernel, int stride, int padding, int dilation)
    {
        var origin = new int[outSize];
        var start = new int[outSize];
        var end = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            origin[o] = (o * stride) - padding;
            int first = 0;
            while (first < kernel && origin[o] + (first * dilation) < 0)
            {
                first++;
            }

            int last = kernel;
            while (last > first && origin[o] + ((last - 1) * dilation) >= inSize)
            {
                last--;
            }

            (start[o], end[o]) = (first, last);
        }

        return (origin, start, end);
    }
}
