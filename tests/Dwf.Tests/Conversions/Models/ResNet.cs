using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Dwf.Tests.Conversions.Models;

// Conversion 4: a small ResNet whose residual blocks are a class of their own (not annotated: the
// annotated network reaches their layers) and whose stages are Sequentials, for 3x16x16 inputs.

/// <summary>The basic residual block (two 3x3 convolutions, a 1x1 projection when the shape changes).</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inChannels, long outChannels, long stride = 1) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(outChannels);
        conv2 = Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample = Sequential(Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), BatchNorm2d(outChannels));
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var shortcut = downsample is null ? x : downsample.call(x);
        var y = relu(bn1.call(conv1.call(x)));
        return relu(bn2.call(conv2.call(y)).add(shortcut));
    }
}

/// <summary>A two-stage ResNet, factorized at depth 4.</summary>
[Factorize(Depth = 4, Lambda = 1e-4)]
public partial class ResNet : Module<Tensor, Tensor>
{
    private readonly Conv2d stem = Conv2d(3, 8, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn = BatchNorm2d(8);
    private readonly Sequential layer1 = Sequential(new BasicBlock(8, 8), new BasicBlock(8, 8));
    private readonly Sequential layer2 = Sequential(new BasicBlock(8, 16, stride: 2), new BasicBlock(16, 16));
    private readonly Linear fc = Linear(16, 10);

    public ResNet() : base(nameof(ResNet)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = relu(bn.call(stem.call(x)));
        x = layer2.call(layer1.call(x));
        return fc.call(adaptive_avg_pool2d(x, 1).flatten(1));
    }
}

/// <summary>The same network as written before the conversion.</summary>
public class ResNetDense : Module<Tensor, Tensor>
{
    private readonly Conv2d stem = Conv2d(3, 8, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn = BatchNorm2d(8);
    private readonly Sequential layer1 = Sequential(new BasicBlock(8, 8), new BasicBlock(8, 8));
    private readonly Sequential layer2 = Sequential(new BasicBlock(8, 16, stride: 2), new BasicBlock(16, 16));
    private readonly Linear fc = Linear(16, 10);

    public ResNetDense() : base(nameof(ResNet)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = relu(bn.call(stem.call(x)));
        x = layer2.call(layer1.call(x));
        return fc.call(adaptive_avg_pool2d(x, 1).flatten(1));
    }
}
