using System;

namespace Dwf.Deployment;

/// <summary>Max pooling of [C, H, W] samples (windows clipped to the input, as PyTorch's −∞ padding does). Sample-major.</summary>
internal sealed class MaxPool2dStage : ISparseStage
{
    private readonly int _channels, _inH, _inW, _outH, _outW;
    private readonly int[] _kernel, _stride, _padding, _dilation;

    public MaxPool2dStage(int channels, int inH, int inW, int outH, int outW, int[] kernel, int[] stride, int[] padding, int[] dilation)
    {
        (_channels, _inH, _inW, _outH, _outW) = (channels, inH, inW, outH, outW);
        (_kernel, _stride, _padding, _dilation) = (kernel, stride, padding, dilation);
    }

    public int InputSize => _channels * _inH * _inW;

    public int OutputSize => _channels * _outH * _outW;

    public BatchLayout Layout => BatchLayout.SampleMajor;

    public bool InPlace => false;

    public long WeightBytes => 0;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        for (int plane = 0; plane < batch * _channels; plane++)
        {
            var x = input.Slice(plane * _inH * _inW, _inH * _inW);
            var y = output.Slice(plane * _outH * _outW, _outH * _outW);
            for (int oh = 0; oh < _outH; oh++)
            {
                for (int ow = 0; ow < _outW; ow++)
                {
                    float max = float.NegativeInfinity;
                    for (int kh = 0; kh < _kernel[0]; kh++)
                    {
                        int ih = (oh * _stride[0]) - _padding[0] + (kh * _dilation[0]);
                        if ((uint)ih >= (uint)_inH)
                        {
                            continue;
                        }

                        for (int kw = 0; kw < _kernel[1]; kw++)
                        {
                            int iw = (ow * _stride[1]) - _padding[1] + (kw * _dilation[1]);
                            if ((uint)iw < (uint)_inW)
                            {
                                float v = x[(ih * _inW) + iw];
                                if (v > max || float.IsNaN(v))
                                {
                                    max = v;
                                }
                            }
                        }
                    }

                    y[(oh * _outW) + ow] = max;
                }
            }
        }
    }
}
