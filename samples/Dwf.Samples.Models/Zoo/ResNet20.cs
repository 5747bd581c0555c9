using Dwf.Deployment;
using Dwf.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Samples.Models.Zoo;

/// <summary>
/// ResNet-20 for small images (He et al. 2016, CIFAR variant): a 3×3 stem of 16 channels, three stages of three
/// <see cref="BasicBlock"/>s with 16, 32 and 64 channels (stride 2 entering stages 2 and 3), global average pooling
/// and a linear classifier. BatchNorm follows every convolution; shortcuts are identities, or a 1×1 convolution with
/// BatchNorm where the shape changes. 268,336 conv and linear weights for one input channel.
/// </summary>
/// <remarks>
/// Written the ordinary TorchSharp way, the shape a user converting a ResNet brings. <see cref="DescribeGraph"/> is the one
/// addition, and optional: it mirrors <see cref="forward"/> so that sparse inference can run the whole net in C#
/// (SparseServingPath.Graph); without it the net is served through hooks.
/// </remarks>
public sealed class ResNet20 : Module<Tensor, Tensor>, IDescribesGraph
{
    private readonly Conv2d stem;
    private readonly BatchNorm2d stem_bn;
    private readonly Sequential layers;
    private readonly Linear fc;

    /// <summary>Creates the network for images with <paramref name="inputChannels"/> channels and <paramref name="classes"/> classes.</summary>
    public ResNet20(long inputChannels = 1, long classes = 10)
        : base(nameof(ResNet20))
    {
        stem = Conv2d(inputChannels, 16, 3, padding: 1, bias: false);
        stem_bn = BatchNorm2d(16);
        layers = Sequential(
            new BasicBlock(16, 16, 1), new BasicBlock(16, 16, 1), new BasicBlock(16, 16, 1),
            new BasicBlock(16, 32, 2), new BasicBlock(32, 32, 1), new BasicBlock(32, 32, 1),
            new BasicBlock(32, 64, 2), new BasicBlock(64, 64, 1), new BasicBlock(64, 64, 1));
        fc = Linear(64, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(stem_bn.call(stem.call(input)));
        x = layers.call(x);
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>The forward above, for sparse inference without a native call per layer (SparseServingPath.Graph).</summary>
    public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input)
    {
        var x = graph.relu(graph.call(stem_bn, graph.call(stem, input)));
        x = graph.call(layers, x);
        x = graph.flatten(graph.adaptive_avg_pool2d(x, 1));
        return graph.call(fc, x);
    }
}

/// <summary>
/// The residual block of <see cref="ResNet20"/>: conv 3×3, BatchNorm, ReLU, conv 3×3, BatchNorm, plus the shortcut
/// (identity, or a strided 1×1 convolution and BatchNorm where channels or resolution change), then ReLU.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>, IDescribesGraph
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? shortcut;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> with the given stride.</summary>
    public BasicBlock(long inChannels, long outChannels, long stride)
        : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(outChannels);
        conv2 = Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            shortcut = Sequential(Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), BatchNorm2d(outChannels));
        }

        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        var identity = shortcut is null ? input : shortcut.call(input);
        return functional.relu(x.add_(identity, Scalars.One));
    }

    /// <inheritdoc/>
    public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input)
    {
        var x = graph.relu(graph.call(bn1, graph.call(conv1, input)));
        x = graph.call(bn2, graph.call(conv2, x));
        var identity = shortcut is null ? input : graph.call(shortcut, input);
        return graph.relu(graph.add(x, identity));
    }
}
