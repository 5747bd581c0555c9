using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Samples.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Experiments;

/// <summary>The networks of the harness and the weights every method prunes or factorizes.</summary>
public static class Nets
{
    /// <summary>Names accepted by --net.</summary>
    public static readonly string[] Names = { "lenet300", "lenet5" };

    /// <summary>A fresh, plain (unannotated) network; initialization uses TorchSharp's global RNG.</summary>
    public static nn.Module<Tensor, Tensor> Create(string name) => name switch
    {
        "lenet300" => new LeNet300(),
        "lenet5" => new LeNet5(),
        _ => throw new ArgumentException($"Unknown network '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Whether the network takes flattened images.</summary>
    public static bool Flatten(string name) => name == "lenet300";

    /// <summary>
    /// The weights counted for compression: the weights of every Linear and Conv layer (the ones DWF
    /// factorizes); biases are excluded for every method alike.
    /// </summary>
    public static IReadOnlyList<(string Name, Parameter Weight)> PrunableWeights(nn.Module model) =>
        model.named_modules()
            .Where(m => m.module is Linear or Convolution)
            .Select(m => ($"{m.name}.weight", m.module.get_parameter("weight")!))
            .ToList();

    /// <summary>
    /// A DWF plan whose λ differs per layer: λ_l = λ · (fan_in_l / max fan-in)^(1/D). TorchSharp's default init
    /// gives a layer weights of scale ∝ fan_in^(-1/2), and the D-factor penalty λ·|w|^(2/D) measured in units of
    /// that scale is λ·σ_l^(2/D)·|u|^(2/D): this choice makes it the same for every layer, where one global λ
    /// presses hardest (relative to their size) on the small-fan-in layers (LeNet-5's conv1, the output layers).
    /// </summary>
    public static FactorizationPlan FanInLambdaPlan(nn.Module model, FactorizationOptions options, string name)
    {
        var resolved = options.Resolve(name);
        // The harness's nets register every layer as a top-level field ("fc1.weight" belongs to field "fc1").
        // fan-in = size(1) × receptive field, as the library's internal LayerCatalog.FanIn (not public API) computes it.
        var fanIns = PrunableWeights(model).Select(w => (Field: w.Name[..w.Name.IndexOf('.', StringComparison.Ordinal)], FanIn: w.Weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b))).ToList();
        long largest = fanIns.Max(f => f.FanIn);
        var plan = new FactorizationPlan(options, name);
        foreach (var (field, fanIn) in fanIns)
        {
            plan = plan.Field(field, new FactorizationOptions { Lambda = resolved.Lambda * Math.Pow((double)fanIn / largest, 1.0 / resolved.Depth) });
        }

        return plan;
    }
}
