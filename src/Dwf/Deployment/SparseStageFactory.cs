using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>Turns the steps of a <see cref="LayerChain"/> into the stages of a <see cref="SparseModel"/>.</summary>
internal static class SparseStageFactory
{
    public static (ISparseStage[] Stages, long NonZero) Create(LayerChain chain)
    {
        var stages = new List<ISparseStage>();
        long nonZero = 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < chain.Steps.Count; i++)
        {
            var inShape = chain.InputShapeOf(i);
            var outShape = chain.OutputShapes[i];
            switch (chain.Steps[i])
            {
                case LinearStep s:
                {
                    var csr = CsrMatrix.FromDense(s.Layer.weight!);
                    nonZero += csr.NonZeroCount;
                    stages.Add(new CsrLinearStage(csr, Floats(s.Layer.bias, csr.Rows)));
                    break;
                }

                case Conv2dStep s:
                {
                    var c = s.Layer;
                    var weight = Floats(c.weight, (int)c.weight.numel());
                    nonZero += weight.Count(v => v != 0f);
                    int padH = (int)c.padding![0], padW = (int)c.padding![1];
                    stages.Add(new SparseConv2dStage(
                        new SparseConvolution(
                            weight, Floats(c.bias, (int)c.out_channels), (int)c.out_channels, (int)c.in_channels, (int)c.groups,
                            (int)c.kernel_size[0], (int)c.kernel_size[1], ((int)c.stride[0], (int)c.stride[1]), ((int)c.dilation[0], (int)c.dilation[1]), (padH, padH, padW, padW)),
                        (int)inShape[0], (int)inShape[1], (int)inShape[2]));
                    break;
                }

                case ActivationStep s:
                    stages.Add(new ActivationStage(s.Kind, s.NegativeSlope, Size(outShape)));
                    break;
                case MaxPool2dStep s:
                    stages.Add(new MaxPool2dStage((int)inShape[0], (int)inShape[1], (int)inShape[2], (int)outShape[1], (int)outShape[2], Ints(s.KernelSize), Ints(s.Stride), Ints(s.Padding), Ints(s.Dilation)));
                    break;
                case FlattenStep:
                    break; // [C, H, W] sample-major is already the flattened order
                case SelectInputsStep s:
                    stages.Add(new SelectStage(s.Module.Kept.Select(k => (int)k).ToArray(), (int)inShape[0], inShape.Length == 3 ? (int)(inShape[1] * inShape[2]) : 1));
                    break;
                default:
                    throw new NotSupportedException($"Sparse execution does not support step '{chain.Steps[i].Name}' ({chain.Steps[i].GetType().Name}).");
            }
        }

        return (stages.ToArray(), nonZero);
    }

    /// <summary>A tensor's values as float32 (zeros when it is missing, e.g. a layer without bias); call inside a dispose scope.</summary>
    internal static float[] Floats(Tensor? tensor, int countIfMissing) =>
        tensor is null ? new float[countIfMissing] : tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();

    private static int[] Ints(long[] values) => values.Select(v => checked((int)v)).ToArray();

    private static int Size(long[] shape) => checked((int)shape.Aggregate(1L, (a, b) => a * b));
}
