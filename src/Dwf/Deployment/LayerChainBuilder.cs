using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Dwf.Deployment;

/// <summary>
/// Builds a <see cref="LayerChain"/> from the model's layers in execution order, checking shapes as it goes.
/// </summary>
/// <example>
/// <code>
/// LayerChain.Create(1, 28, 28).Conv2d(conv1, "conv1").MaxPool2d(2).Conv2d(conv2, "conv2").MaxPool2d(2)
///     .Flatten().Linear(fc1, "fc1").ReLU().Linear(fc2, "fc2").Build();
/// </code>
/// </example>
public sealed class LayerChainBuilder
{
    private readonly long[] _inputShape;
    private readonly List<ChainStep> _steps = new();
    private readonly List<long[]> _shapes = new();
    private long[] _shape;

    internal LayerChainBuilder(long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length is not (1 or 3) || inputShape.Any(s => s < 1))
        {
            throw new ArgumentException($"LayerChain: the input shape of one sample must be [features] or [channels, height, width] with positive sizes; got [{LayerChain.Shape(inputShape)}].", nameof(inputShape));
        }

        _inputShape = inputShape.ToArray();
        _shape = _inputShape;
    }

    internal bool IsEmpty => _steps.Count == 0;

    /// <summary>A <see cref="TorchSharp.Modules.Linear"/> layer; <paramref name="name"/> is its registered path in the model.</summary>
    public LayerChainBuilder Linear(Linear layer, string name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_shape.Length != 1 || _shape[0] != layer.in_features)
        {
            throw Mismatch(name, $"Linear({layer.in_features}, {layer.out_features}) needs [{layer.in_features}]");
        }

        return Add(new LinearStep(name, layer), new[] { layer.out_features });
    }

    /// <summary>A <see cref="TorchSharp.Modules.Conv2d"/> layer (groups = 1); <paramref name="name"/> is its registered path.</summary>
    public LayerChainBuilder Conv2d(Conv2d layer, string name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.groups != 1)
        {
            throw new NotSupportedException($"LayerChain: '{name}' is a grouped convolution (groups = {layer.groups}); a dead channel of a group cannot be removed independently. Only groups = 1 is supported.");
        }

        if (layer.padding is null)
        {
            throw new NotSupportedException($"LayerChain: '{name}' uses symbolic padding ({layer.padding_type}); give explicit padding sizes.");
        }

        bool padded = layer.padding.Any(p => p != 0);
        if (padded && layer.padding_mode != TorchSharp.PaddingModes.Zeros)
        {
            throw new NotSupportedException($"LayerChain: '{name}' pads with {layer.padding_mode}; only zero padding is supported.");
        }

        if (_shape.Length != 3 || _shape[0] != layer.in_channels)
        {
            throw Mismatch(name, $"Conv2d({layer.in_channels} → {layer.out_channels}) needs [{layer.in_channels}, H, W]");
        }

        long height = ConvOutput(_shape[1], layer.kernel_size[0], layer.stride[0], layer.padding[0], layer.dilation[0], false);
        long width = ConvOutput(_shape[2], layer.kernel_size[1], layer.stride[1], layer.padding[1], layer.dilation[1], false);
        if (height < 1 || width < 1)
        {
            throw Mismatch(name, "the kernel is larger than the (padded) input");
        }

        return Add(new Conv2dStep(name, layer), new[] { layer.out_channels, height, width });
    }

    /// <summary>ReLU.</summary>
    public LayerChainBuilder ReLU(string? name = null) => Activation(ActivationKind.ReLU, 0.0, name);

    /// <summary>LeakyReLU with the given negative slope.</summary>
    public LayerChainBuilder LeakyReLU(double negativeSlope = 0.01, string? name = null) => Activation(ActivationKind.LeakyReLU, negativeSlope, name);

    /// <summary>tanh.</summary>
    public LayerChainBuilder Tanh(string? name = null) => Activation(ActivationKind.Tanh, 0.0, name);

    /// <summary>Sigmoid.</summary>
    public LayerChainBuilder Sigmoid(string? name = null) => Activation(ActivationKind.Sigmoid, 0.0, name);

    /// <summary>A no-op (e.g. Dropout at inference).</summary>
    public LayerChainBuilder Identity(string? name = null) => Activation(ActivationKind.Identity, 0.0, name);

    /// <summary>Square max pooling (stride defaults to the kernel size, as in PyTorch).</summary>
    public LayerChainBuilder MaxPool2d(long kernelSize, long? stride = null, long padding = 0, string? name = null) =>
        MaxPool2d(new[] { kernelSize, kernelSize }, new[] { stride ?? kernelSize, stride ?? kernelSize }, new[] { padding, padding }, new[] { 1L, 1L }, false, name);

    /// <summary>Max pooling with every PyTorch parameter.</summary>
    public LayerChainBuilder MaxPool2d(long[] kernelSize, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        name ??= $"pool{_steps.Count}";
        var k = Pair(kernelSize, 1, name, "kernel_size");
        var s = Pair(stride ?? k, 1, name, "stride");
        var p = Pair(padding ?? new[] { 0L }, 0, name, "padding");
        var d = Pair(dilation ?? new[] { 1L }, 1, name, "dilation");
        if (_shape.Length != 3)
        {
            throw Mismatch(name, "MaxPool2d needs [C, H, W]");
        }

        long height = ConvOutput(_shape[1], k[0], s[0], p[0], d[0], ceilMode);
        long width = ConvOutput(_shape[2], k[1], s[1], p[1], d[1], ceilMode);
        if (height < 1 || width < 1)
        {
            throw Mismatch(name, "the pooling window is larger than the input");
        }

        return Add(new MaxPool2dStep(name, k, s, p, d, ceilMode), new[] { _shape[0], height, width });
    }

    /// <summary>Flattens [C, H, W] to [C·H·W] (<c>x.flatten(1)</c>).</summary>
    public LayerChainBuilder Flatten(string? name = null)
    {
        name ??= $"flatten{_steps.Count}";
        if (_shape.Length != 3)
        {
            throw Mismatch(name, "Flatten needs [C, H, W]");
        }

        return Add(new FlattenStep(name), new[] { _shape[0] * _shape[1] * _shape[2] });
    }

    /// <summary>Finishes the chain.</summary>
    /// <exception cref="InvalidOperationException">The chain has no weight layer.</exception>
    public LayerChain Build()
    {
        if (!_steps.Any(s => s is LinearStep or Conv2dStep))
        {
            throw new InvalidOperationException("LayerChain: a chain needs at least one Linear or Conv2d layer.");
        }

        var names = _steps.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null)
        {
            throw new InvalidOperationException($"LayerChain: the step name '{names.Key}' is used twice; names must be unique.");
        }

        return new LayerChain(_inputShape, _steps.ToList(), _shapes.ToList());
    }

    internal LayerChainBuilder SelectInputs(SelectInputs module, string name)
    {
        if (_shape[0] != module.InputCount)
        {
            throw Mismatch(name, $"SelectInputs over {module.InputCount} inputs needs {module.InputCount} features or channels");
        }

        var shape = _shape.ToArray();
        shape[0] = module.Kept.Length;
        return Add(new SelectInputsStep(name, module), shape);
    }

    private LayerChainBuilder Activation(ActivationKind kind, double slope, string? name) =>
        Add(new ActivationStep(name ?? $"{kind.ToString().ToLowerInvariant()}{_steps.Count}", kind, slope), _shape);

    private LayerChainBuilder Add(ChainStep step, long[] shape)
    {
        if (string.IsNullOrWhiteSpace(step.Name))
        {
            throw new ArgumentException("LayerChain: every step needs a non-empty name.");
        }

        _steps.Add(step);
        _shapes.Add(shape);
        _shape = shape;
        return this;
    }

    // PyTorch's output-size formula for convolution and pooling.
    private static long ConvOutput(long size, long kernel, long stride, long padding, long dilation, bool ceilMode)
    {
        long span = size + 2 * padding - dilation * (kernel - 1) - 1;
        if (span < 0)
        {
            return 0;
        }

        long output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (output - 1) * stride >= size + padding)
        {
            output--; // the last window must start inside the input or its left padding
        }

        return output;
    }

    private static long[] Pair(long[] values, long minimum, string name, string what)
    {
        var pair = values.Length switch
        {
            1 => new[] { values[0], values[0] },
            2 => values.ToArray(),
            _ => throw new ArgumentException($"LayerChain: '{name}' {what} must have 1 or 2 values."),
        };
        if (pair.Any(v => v < minimum))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"LayerChain: '{name}' {what} must be ≥ {minimum}; got [{LayerChain.Shape(pair)}]."));
        }

        return pair;
    }

    private ArgumentException Mismatch(string name, string need) =>
        new($"LayerChain: step '{name}' does not fit after [{LayerChain.Shape(_shape)}]: {need}.");
}
