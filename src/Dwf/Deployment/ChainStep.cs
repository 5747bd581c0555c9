using System;
using TorchSharp.Modules;

namespace Dwf.Deployment;

/// <summary>
/// One step of a <see cref="LayerChain"/>: a weight layer, or an operation between weight layers whose
/// effect on a constant unit is known (so a dead unit's constant output can be folded into the next bias).
/// </summary>
/// <param name="Name">The step's name; weight layers use their registered path (e.g. <c>fc1</c>).</param>
public abstract record ChainStep(string Name);

/// <summary>A <see cref="TorchSharp.Modules.Linear"/> layer, applied to [B, in_features].</summary>
public sealed record LinearStep(string Name, Linear Layer) : ChainStep(Name);

/// <summary>A <see cref="TorchSharp.Modules.Conv2d"/> layer (groups = 1), applied to [B, C, H, W].</summary>
public sealed record Conv2dStep(string Name, Conv2d Layer) : ChainStep(Name);

/// <summary>An element-wise activation (it maps a constant unit to a constant unit).</summary>
public sealed record ActivationStep(string Name, ActivationKind Kind, double NegativeSlope = 0.01) : ChainStep(Name)
{
    /// <summary>The activation of one value, in double precision (used to fold constant units).</summary>
    public double Apply(double x) => Kind switch
    {
        ActivationKind.Identity => x,
        ActivationKind.ReLU => x > 0 ? x : 0.0,
        ActivationKind.LeakyReLU => x >= 0 ? x : NegativeSlope * x,
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Sigmoid => 1.0 / (1.0 + Math.Exp(-x)),
        _ => throw new NotSupportedException($"Activation {Kind} is not supported."),
    };
}

/// <summary>2-D max pooling (a constant channel stays the same constant, whatever the padding).</summary>
public sealed record MaxPool2dStep(string Name, long[] KernelSize, long[] Stride, long[] Padding, long[] Dilation, bool CeilMode) : ChainStep(Name);

/// <summary>Flattens [B, C, H, W] to [B, C·H·W] (channel-major, as <c>x.flatten(1)</c>).</summary>
public sealed record FlattenStep(string Name) : ChainStep(Name);

/// <summary>The element-wise activations a <see cref="LayerChain"/> can describe.</summary>
public enum ActivationKind
{
    /// <summary>No-op (also what <c>Dropout</c> is in evaluation mode).</summary>
    Identity,

    /// <summary>max(x, 0).</summary>
    ReLU,

    /// <summary>x for x ≥ 0, slope·x otherwise.</summary>
    LeakyReLU,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>1 / (1 + e^(−x)).</summary>
    Sigmoid,
}

/// <summary>
/// Keeps the input features (Linear) or channels (Conv2d) listed by <see cref="SelectInputs"/>: the first
/// step of a compacted model whose first layer lost inputs that no weight reads.
/// </summary>
public sealed record SelectInputsStep(string Name, SelectInputs Module) : ChainStep(Name);
