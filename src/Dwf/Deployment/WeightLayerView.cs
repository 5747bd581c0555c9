using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// One weight layer of a chain seen as [outputs, input units, group]: a Linear is [out, in, 1], a Linear
/// after Flatten is [out, channels, H·W] (a channel's features form one group), a Conv2d is
/// [out, in_channels, kh·kw]. Compaction reasons about units; the group is what one unit feeds.
/// </summary>
internal sealed class WeightLayerView
{
    private WeightLayerView(int stepIndex, string name, int outputs, int inputUnits, int group, bool[] nonZero, double[] sums, double[] bias, bool constantsMustBeZero)
    {
        StepIndex = stepIndex;
        Name = name;
        Outputs = outputs;
        InputUnits = inputUnits;
        Group = group;
        NonZero = nonZero;
        GroupSums = sums;
        Bias = bias;
        ConstantInputsMustBeZero = constantsMustBeZero;
    }

    public int StepIndex { get; }

    public string Name { get; }

    public int Outputs { get; }

    public int InputUnits { get; }

    public int Group { get; }

    /// <summary>[o · InputUnits + i]: any non-zero weight from input unit i to output o.</summary>
    public bool[] NonZero { get; }

    /// <summary>[o · InputUnits + i]: the sum of the weights from input unit i to output o (what a constant input is multiplied by).</summary>
    public double[] GroupSums { get; }

    /// <summary>The bias (zeros if the layer has none), in double precision.</summary>
    public double[] Bias { get; }

    /// <summary>
    /// True for a zero-padded convolution: at the border some kernel taps fall on padding, so a constant input
    /// channel does not contribute a constant, and only a constant that is exactly zero can be removed.
    /// </summary>
    public bool ConstantInputsMustBeZero { get; }

    public static WeightLayerView Create(LayerChain chain, int stepIndex)
    {
        var step = chain.Steps[stepIndex];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor weight;
        Tensor? bias;
        int inputUnits, group;
        bool mustBeZero = false;
        switch (step)
        {
            case LinearStep linear:
                weight = linear.Layer.weight!.detach();
                bias = linear.Layer.bias?.detach();
                long[]? flattened = FlattenedShapeBefore(chain, stepIndex);
                inputUnits = (int)(flattened?[0] ?? weight.shape[1]);
                group = (int)(flattened is null ? 1 : flattened[1] * flattened[2]);
                break;
            case Conv2dStep conv:
                weight = conv.Layer.weight.detach();
                bias = conv.Layer.bias?.detach();
                inputUnits = (int)weight.shape[1];
                group = (int)(weight.shape[2] * weight.shape[3]);
                mustBeZero = conv.Layer.padding!.Any(p => p != 0);
                break;
            default:
                throw new ArgumentException($"Step '{step.Name}' is not a weight layer.");
        }

        int outputs = (int)weight.shape[0];
        var grouped = weight.to(ScalarType.Float64).cpu().reshape(outputs, inputUnits, group);
        using var zero = 0.0.ToScalar();
        var nonZero = grouped.ne(zero).any(2).reshape(-1).data<bool>().ToArray();
        var sums = grouped.sum(2).reshape(-1).data<double>().ToArray();
        var biasValues = bias is null ? new double[outputs] : bias.to(ScalarType.Float64).cpu().data<double>().ToArray();
        return new WeightLayerView(stepIndex, step.Name, outputs, inputUnits, group, nonZero, sums, biasValues, mustBeZero);
    }

    // If the steps between the previous weight layer (or the input) and this Linear contain a Flatten,
    // the [C, H, W] shape it flattened; otherwise null.
    private static long[]? FlattenedShapeBefore(LayerChain chain, int stepIndex)
    {
        for (int i = stepIndex - 1; i >= 0; i--)
        {
            switch (chain.Steps[i])
            {
                case FlattenStep:
                    return chain.InputShapeOf(i);
                case LinearStep or Conv2dStep or SelectInputsStep:
                    return null;
            }
        }

        return null;
    }
}
