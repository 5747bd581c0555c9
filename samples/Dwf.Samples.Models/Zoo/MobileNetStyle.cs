using Dwf.Deployment;
using Dwf.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Samples.Models.Zoo;

/// <summary>
/// A MobileNet-style network (Howard et al. 2017): a 3×3 stem of 32 channels, then depthwise-separable blocks
/// (3×3 depthwise conv, BatchNorm, ReLU, 1×1 pointwise conv, BatchNorm, ReLU) widening 32→64→128→128→256→256 with
/// stride 2 in the 2nd, 4th and 5th blocks... and a linear classifier after global average pooling; a residual
/// shortcut where a block keeps its shape. 133,248 conv and linear weights for one input channel.
/// </summary>
public sealed class MobileNetStyle : Module<Tensor, Tensor>, IDescribesGraph
{
    private readonly Conv2d stem;
    private readonly BatchNorm2d stem_bn;
    private readonly Sequential blocks;
    private readonly Linear fc;

    /// <summary>Creates the network for images with <paramref name="inputChannels"/> channels.</summary>
    public MobileNetStyle(long inputChannels = 1, long classes = 10)
        : base(nameof(MobileNetStyle))
    {
        stem = Conv2d(inputChannels, 32, 3, padding: 1, bias: false);
        stem_bn = BatchNorm2d(32);
        blocks = Sequential(
            new DepthwiseSeparableBlock(32, 64, 1),
            new DepthwiseSeparableBlock(64, 128, 2),
            new DepthwiseSeparableBlock(128, 128, 1),
            new DepthwiseSeparableBlock(128, 256, 2),
            new DepthwiseSeparableBlock(256, 256, 1));
        fc = Linear(256, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(stem_bn.call(stem.call(input)));
        x = blocks.call(x);
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>The forward above, for sparse inference without a native call per layer (SparseServingPath.Graph).</summary>
    public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input)
    {
        var x = graph.relu(graph.call(stem_bn, graph.call(stem, input)));
        x = graph.call(blocks, x);
        x = graph.flatten(graph.adaptive_avg_pool2d(x, 1));
        return graph.call(fc, x);
    }
}

/// <summary>
/// A depthwise-separable block: 3×3 depthwise convolution (one filter per channel), BatchNorm, ReLU, 1×1 pointwise
/// convolution, BatchNorm, ReLU; with a residual shortcut when input and output shapes agree.
/// </summary>
public sealed class DepthwiseSeparableBlock : Module<Tensor, Tensor>, IDescribesGraph
{
    private readonly Conv2d depthwise;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d pointwise;
    private readonly BatchNorm2d bn2;
    private readonly bool residual;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> with the given stride.</summary>
    public DepthwiseSeparableBlock(long inChannels, long outChannels, long stride)
        : base(nameof(DepthwiseSeparableBlock))
    {
        depthwise = Conv2d(inChannels, inChannels, 3, stride: stride, padding: 1, groups: inChannels, bias: false);
        bn1 = BatchNorm2d(inChannels);
        pointwise = Conv2d(inChannels, outChannels, 1, bias: false);
        bn2 = BatchNorm2d(outChannels);
        residual = stride == 1 && inChannels == outChannels;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = functional.relu(bn1.call(depthwise.call(input)));
        x = functional.relu(bn2.call(pointwise.call(x)));
        // Out of place: x is the ReLU output that autograd saved for the backward pass.
        return residual ? x.add(input, Scalars.One) : x;
    }

    /// <inheritdoc/>
    public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input)
    {
        var x = graph.relu(graph.call(bn1, graph.call(depthwise, input)));
        x = graph.relu(graph.call(bn2, graph.call(pointwise, x)));
        return residual ? graph.add(x, input) : x;
    }
}
