using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Samples.Models;
using Dwf.Samples.Models.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Experiments;

/// <summary>The networks of the harness and the weights every method prunes or factorizes.</summary>
public static class Nets
{
    /// <summary>Names accepted by --net.</summary>
    public static readonly string[] Names = { "lenet300", "lenet5", "resnet20", "vgg-bn", "mobilenet", "convbn" };

    /// <summary>A fresh, plain (unannotated) network; initialization uses TorchSharp's global RNG.</summary>
    public static nn.Module<Tensor, Tensor> Create(string name) => name switch
    {
        "lenet300" => new LeNet300(),
        "lenet5" => new LeNet5(),
        "resnet20" => new ResNet20(),
        "vgg-bn" => new VggBn(),
        "mobilenet" => new MobileNetStyle(),
        "convbn" => new ConvBnNet(),
        _ => throw new ArgumentException($"Unknown network '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Whether the network takes flattened images.</summary>
    public static bool Flatten(string name) => name == "lenet300";

    /// <summary>The net's name for titles.</summary>
    public static string DisplayName(string name) => name switch
    {
        "lenet300" => "LeNet-300-100",
        "lenet5" => "LeNet-5 (Caffe)",
        "resnet20" => "ResNet-20",
        "vgg-bn" => "VGG-style (BatchNorm)",
        "mobilenet" => "MobileNet-style",
        "convbn" => "small BatchNorm conv net",
        _ => name,
    };

    /// <summary>
    /// The weights counted for compression: the weights of every Linear and Conv layer (the ones DWF
    /// factorizes); biases are excluded for every method alike.
    /// </summary>
    public static IReadOnlyList<(string Name, Parameter Weight)> PrunableWeights(nn.Module model) =>
        model.named_modules()
            .Where(m => m.module is Linear or Convolution)
            .Select(m => ($"{m.name}.weight", m.module.get_parameter("weight")!))
            .ToList();
}
