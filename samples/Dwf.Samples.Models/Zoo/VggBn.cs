using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Samples.Models.Zoo;

/// <summary>
/// A VGG-style network with BatchNorm, width-reduced for a CPU: stages of 3×3 convolutions (32, 32 | 64, 64 |
/// 128, 128) each followed by BatchNorm and ReLU, 2×2 max pooling after every stage, then a 128→256→10 classifier
/// with BatchNorm1d. 364,704 conv and linear weights for one input channel; works for 28×28 and 32×32 images.
/// </summary>
public sealed class VggBn : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Sequential classifier;

    /// <summary>Creates the network for images with <paramref name="inputChannels"/> channels.</summary>
    public VggBn(long inputChannels = 1, long classes = 10)
        : base(nameof(VggBn))
    {
        features = Sequential(
            Conv2d(inputChannels, 32, 3, padding: 1, bias: false), BatchNorm2d(32), ReLU(),
            Conv2d(32, 32, 3, padding: 1, bias: false), BatchNorm2d(32), ReLU(), MaxPool2d(2),
            Conv2d(32, 64, 3, padding: 1, bias: false), BatchNorm2d(64), ReLU(),
            Conv2d(64, 64, 3, padding: 1, bias: false), BatchNorm2d(64), ReLU(), MaxPool2d(2),
            Conv2d(64, 128, 3, padding: 1, bias: false), BatchNorm2d(128), ReLU(),
            Conv2d(128, 128, 3, padding: 1, bias: false), BatchNorm2d(128), ReLU(), MaxPool2d(2));
        classifier = Sequential(
            Linear(128, 256, hasBias: false), BatchNorm1d(256), ReLU(),
            Linear(256, classes));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = features.call(input);
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return classifier.call(x).MoveToOuterDisposeScope();
    }
}
