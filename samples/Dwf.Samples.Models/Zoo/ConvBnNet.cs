using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Samples.Models.Zoo;

/// <summary>
/// A small convolutional network with BatchNorm after every convolution (16, 32, 64 channels, 3×3, max pooling after
/// the first two), global average pooling and a linear classifier: the smallest network with the property that
/// matters for DWF (a weight followed by BatchNorm is scale-invariant), fast enough for tests. 23,808 conv and linear
/// weights for one input channel.
/// </summary>
public sealed class ConvBnNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Linear fc;

    /// <summary>Creates the network for images with <paramref name="inputChannels"/> channels.</summary>
    public ConvBnNet(long inputChannels = 1, long classes = 10)
        : base(nameof(ConvBnNet))
    {
        conv1 = Conv2d(inputChannels, 16, 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(16);
        conv2 = Conv2d(16, 32, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(32);
        conv3 = Conv2d(32, 64, 3, padding: 1, bias: false);
        bn3 = BatchNorm2d(64);
        fc = Linear(64, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.max_pool2d(functional.relu(bn1.call(conv1.call(input))), 2);
        x = functional.max_pool2d(functional.relu(bn2.call(conv2.call(x))), 2);
        x = functional.relu(bn3.call(conv3.call(x)));
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }
}
