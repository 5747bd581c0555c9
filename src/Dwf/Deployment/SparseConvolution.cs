using System;
using System.Collections.Generic;

namespace Dwf.Deployment;

/// <summary>
/// A 2-D convolution (any stride, dilation, zero padding, groups) computed from its non-zero weights, one
/// sample at a time: each stored weight adds w · (a shifted input plane) to its output plane as <b>one
/// contiguous vector update</b>.
/// </summary>
/// <remarks>
/// <para>
/// The input is first laid out as zero-padded planes split into stride phases (for stride s, phase (a, b)
/// holds the padded pixels (i·s + a, j·s + b)), so that every tap of every output row reads consecutive
/// memory: output (oh, ow) of tap (kh, kw) reads phase ((kh·d) mod s, (kw·d) mod s) at row oh + ⌊kh·d/s⌋,
/// column ow + ⌊kw·d/s⌋. The output is accumulated in rows as wide as a phase row (the extra columns are
/// scratch, never copied out), which turns a tap into a single axpy over all output rows instead of one per
/// row. With stride 1 and no padding the input itself already has that layout and is read in place.
/// </para>
/// <para>
/// Only input channels that some tap reads are laid out; padding positions are written once (zeros) and never
/// again. Buffers belong to the instance, so calls are serialized.
/// </para>
/// </remarks>
internal sealed class SparseConvolution
{
    private readonly int _outChannels, _inChannels, _groups, _kernelH, _kernelW;
    private readonly int _strideH, _strideW, _dilationH, _dilationW;
    private readonly int _padTop, _padBottom, _padLeft, _padRight;
    private readonly int[] _tapStarts;   // per output channel, into the tap arrays
    private readonly float[] _tapValues;
    private readonly int[] _tapChannels; // input channel of each tap
    private readonly int[] _tapKh, _tapKw;
    private readonly float[] _bias;
    private readonly int[] _usedChannels;
    private readonly object _gate = new();
    private Plan? _plan;

    // weight: [out, in / groups, kh, kw] row-major, zeros skipped; bias: one value per output channel;
    // inChannels: all groups together; padding: top, bottom, left, right.
    public SparseConvolution(float[] weight, float[] bias, int outChannels, int inChannels, int groups, int kernelH, int kernelW, (int H, int W) stride, (int H, int W) dilation, (int Top, int Bottom, int Left, int Right) padding)
    {
        if (bias.Length != outChannels)
        {
            throw new ArgumentException("One bias value per output channel is needed.", nameof(bias));
        }

        _outChannels = outChannels;
        _inChannels = inChannels;
        _groups = groups;
        _kernelH = kernelH;
        _kernelW = kernelW;
        (_strideH, _strideW) = stride;
        (_dilationH, _dilationW) = dilation;
        (_padTop, _padBottom, _padLeft, _padRight) = padding;
        _bias = bias;
        int perGroupIn = inChannels / groups, perGroupOut = outChannels / groups;
        var starts = new int[outChannels + 1];
        var values = new List<float>();
        var channels = new List<int>();
        var rows = new List<int>();
        var columns = new List<int>();
        var used = new bool[inChannels];
        for (int o = 0; o < outChannels; o++)
        {
            starts[o] = values.Count;
            int firstChannel = (o / perGroupOut) * perGroupIn;
            for (int c = 0; c < perGroupIn; c++)
            {
                for (int kh = 0; kh < kernelH; kh++)
                {
                    for (int kw = 0; kw < kernelW; kw++)
                    {
                        float w = weight[(((o * perGroupIn) + c) * kernelH + kh) * kernelW + kw];
                        if (w != 0f)
                        {
                            values.Add(w);
                            channels.Add(firstChannel + c);
                            rows.Add(kh);
                            columns.Add(kw);
                            used[firstChannel + c] = true;
                        }
                    }
                }
            }
        }

        starts[outChannels] = values.Count;
        _tapStarts = starts;
        _tapValues = values.ToArray();
        _tapChannels = channels.ToArray();
        _tapKh = rows.ToArray();
        _tapKw = columns.ToArray();
        var usedList = new List<int>();
        for (int c = 0; c < inChannels; c++)
        {
            if (used[c])
            {
                usedList.Add(c);
            }
        }

        _usedChannels = usedList.ToArray();
    }

    /// <summary>Stored (non-zero) weights.</summary>
    public int NonZeroCount => _tapValues.Length;

    /// <summary>Output channels.</summary>
    public int OutChannels => _outChannels;

    /// <summary>Bytes of the stored weights, their positions and the bias.</summary>
    public long WeightBytes => (_tapValues.LongLength * 4 * sizeof(int)) + (_tapStarts.LongLength * sizeof(int)) + (_bias.LongLength * sizeof(float));

    /// <summary>Test hook: changes the first stored weight, so that a check against the dense layer must fail.</summary>
    internal void CorruptFirstTapForTest()
    {
        if (_tapValues.Length > 0)
        {
            _tapValues[0] = (_tapValues[0] * 2f) + 1f;
        }
    }

    /// <summary>The smallest input height and width the convolution accepts (an output of 1 × 1).</summary>
    public (int Height, int Width) SmallestInput =>
        (Math.Max(1, (_dilationH * (_kernelH - 1)) + 1 - _padTop - _padBottom), Math.Max(1, (_dilationW * (_kernelW - 1)) + 1 - _padLeft - _padRight));

    /// <summary>Output height and width for an input of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public (int Height, int Width) OutputSize(int height, int width) =>
        ((height + _padTop + _padBottom - (_dilationH * (_kernelH - 1)) - 1) / _strideH + 1,
         (width + _padLeft + _padRight - (_dilationW * (_kernelW - 1)) - 1) / _strideW + 1);

    /// <summary>Convolves <paramref name="batch"/> samples of [in, height, width] into [out, Ho, Wo] each.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        lock (_gate)
        {
            var plan = _plan is { } p && p.Height == height && p.Width == width ? p : (_plan = new Plan(this, height, width));
            int inSize = _inChannels * height * width, outSize = _outChannels * plan.OutHeight * plan.OutWidth;
            for (int b = 0; b < batch; b++)
            {
                RunSample(plan, input.Slice(b * inSize, inSize), output.Slice(b * outSize, outSize));
            }
        }
    }

    private void RunSample(Plan plan, ReadOnlySpan<float> x, Span<float> y)
    {
        ReadOnlySpan<float> source = plan.ReadsInPlace ? x : Prepare(plan, x);
        int outPlane = plan.OutHeight * plan.OutWidth;
        int length = plan.AccumulatedLength;
        bool direct = plan.RowStride == plan.OutWidth; // accumulated rows are the output rows
        Span<float> scratch = plan.Accumulator;
        for (int o = 0; o < _outChannels; o++)
        {
            if (_tapStarts[o] == _tapStarts[o + 1])
            {
                y.Slice(o * outPlane, outPlane).Fill(_bias[o]); // no tap left: the channel is its bias (common at high CR)
                continue;
            }

            var target = direct ? y.Slice(o * outPlane, outPlane) : scratch;
            target[..length].Fill(_bias[o]);
            var accumulated = target[..length];
            var offsets = plan.TapOffsets;
            int t = _tapStarts[o], end = _tapStarts[o + 1];
            for (; t + 3 < end; t += 4)
            {
                SimdKernels.Axpy4(
                    _tapValues[t], source.Slice(offsets[t], length), _tapValues[t + 1], source.Slice(offsets[t + 1], length),
                    _tapValues[t + 2], source.Slice(offsets[t + 2], length), _tapValues[t + 3], source.Slice(offsets[t + 3], length),
                    accumulated);
            }

            for (; t < end; t++)
            {
                SimdKernels.Axpy(_tapValues[t], source.Slice(offsets[t], length), accumulated);
            }

            if (!direct)
            {
                var outRows = y.Slice(o * outPlane, outPlane);
                for (int oh = 0; oh < plan.OutHeight; oh++)
                {
                    scratch.Slice(oh * plan.RowStride, plan.OutWidth).CopyTo(outRows.Slice(oh * plan.OutWidth, plan.OutWidth));
                }
            }
        }
    }

    // Writes the used channels of one sample into the padded, phase-split layout (padding stays zero).
    private ReadOnlySpan<float> Prepare(Plan plan, ReadOnlySpan<float> x)
    {
        Span<float> prepared = plan.Prepared;
        int plane = plan.PhaseHeight * plan.RowStride;
        int channelSize = _strideH * _strideW * plane;
        int inPlane = plan.Height * plan.Width;
        foreach (int c in _usedChannels)
        {
            var source = x.Slice(c * inPlane, inPlane);
            var target = prepared.Slice(c * channelSize, channelSize);
            for (int r = 0; r < plan.Height; r++)
            {
                int paddedRow = r + _padTop;
                int rowBase = ((paddedRow % _strideH) * _strideW * plane) + ((paddedRow / _strideH) * plan.RowStride);
                var inRow = source.Slice(r * plan.Width, plan.Width);
                if (_strideW == 1)
                {
                    inRow.CopyTo(target.Slice(rowBase + _padLeft, plan.Width));
                    continue;
                }

                for (int col = 0; col < plan.Width; col++)
                {
                    int paddedColumn = col + _padLeft;
                    target[rowBase + ((paddedColumn % _strideW) * plane) + (paddedColumn / _strideW)] = inRow[col];
                }
            }
        }

        return prepared;
    }

    /// <summary>Everything that depends on the input size, computed on the first call with that size.</summary>
    private sealed class Plan
    {
        public Plan(SparseConvolution conv, int height, int width)
        {
            Height = height;
            Width = width;
            (OutHeight, OutWidth) = conv.OutputSize(height, width);
            if (OutHeight <= 0 || OutWidth <= 0)
            {
                throw new ArgumentException($"An input of {height}x{width} is smaller than the convolution's kernel.");
            }

            ReadsInPlace = conv._strideH == 1 && conv._strideW == 1 && conv._padTop == 0 && conv._padBottom == 0 && conv._padLeft == 0 && conv._padRight == 0;
            PhaseHeight = CeilDiv(height + conv._padTop + conv._padBottom, conv._strideH);
            RowStride = CeilDiv(width + conv._padLeft + conv._padRight, conv._strideW);
            int plane = PhaseHeight * RowStride;
            int channelSize = conv._strideH * conv._strideW * plane;
            AccumulatedLength = ((OutHeight - 1) * RowStride) + OutWidth;
            Accumulator = new float[OutHeight * RowStride];
            Prepared = ReadsInPlace ? Array.Empty<float>() : new float[conv._inChannels * channelSize];
            TapOffsets = new int[conv._tapValues.Length];
            for (int t = 0; t < TapOffsets.Length; t++)
            {
                int rowOffset = conv._tapKh[t] * conv._dilationH, columnOffset = conv._tapKw[t] * conv._dilationW;
                int phase = ((rowOffset % conv._strideH) * conv._strideW) + (columnOffset % conv._strideW);
                TapOffsets[t] = (conv._tapChannels[t] * channelSize) + (phase * plane) + ((rowOffset / conv._strideH) * RowStride) + (columnOffset / conv._strideW);
            }
        }

        public int Height { get; }

        public int Width { get; }

        public int OutHeight { get; }

        public int OutWidth { get; }

        /// <summary>Stride 1 and no padding: the input is read where it is.</summary>
        public bool ReadsInPlace { get; }

        public int PhaseHeight { get; }

        /// <summary>Width of a phase row, and of an accumulated output row.</summary>
        public int RowStride { get; }

        /// <summary>Floats one tap updates: all output rows at <see cref="RowStride"/>, the last one only to OutWidth.</summary>
        public int AccumulatedLength { get; }

        public float[] Accumulator { get; }

        public float[] Prepared { get; }

        public int[] TapOffsets { get; }

        private static int CeilDiv(int a, int b) => (a + b - 1) / b;
    }
}
