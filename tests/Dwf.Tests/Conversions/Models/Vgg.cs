using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Conversions.Models;

// Conversion 3: a VGG whose feature extractor is a Sequential of Conv2d/BatchNorm2d/ReLU/MaxPool2d built at run
// time from a configuration list (as torchvision's make_layers), scaled down to 3x16x16 inputs.

/// <summary>A small VGG-BN, factorized at depth 3 (the BatchNorm layers never are).</summary>
[Factorize(Depth = 3, Lambda = 5e-4)]
public partial class Vgg : Module<Tensor, Tensor>
{
    /// <summary>Output channels of each 3x3 convolution; 0 stands for a 2x2 max-pool.</summary>
    public static readonly int[] Configuration = { 8, 0, 16, 0, 32, 32, 0 };

    private readonly Sequential features;
    private readonly Sequential classifier;

    public Vgg() : base(nameof(Vgg))
    {
        features = Sequential(MakeLayers(Configuration));
        classifier = Sequential(Linear(32 * 2 * 2, 10));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => classifier.call(features.call(x).flatten(1));

    internal static List<(string, Module<Tensor, Tensor>)> MakeLayers(IEnumerable<int> configuration)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long inChannels = 3;
        foreach (int channels in configuration)
        {
            if (channels == 0)
            {
                layers.Add(($"{layers.Count}", MaxPool2d(2)));
                continue;
            }

            layers.Add(($"{layers.Count}", Conv2d(inChannels, channels, 3, padding: 1, bias: false)));
            layers.Add(($"{layers.Count}", BatchNorm2d(channels)));
            layers.Add(($"{layers.Count}", ReLU()));
            inChannels = channels;
        }

        return layers;
    }
}

/// <summary>The same network as written before the conversion.</summary>
public class VggDense : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Sequential classifier;

    public VggDense() : base(nameof(Vgg))
    {
        features = Sequential(Vgg.MakeLayers(Vgg.Configuration));
        classifier = Sequential(Linear(32 * 2 * 2, 10));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => classifier.call(features.call(x).flatten(1));
}
