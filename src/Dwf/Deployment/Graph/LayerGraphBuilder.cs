using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Records a module's forward as a graph (see <see cref="IDescribesGraph"/>): calls of its layers and the
/// operations between them, named as in TorchSharp (<c>relu</c>, <c>add</c>, <c>cat</c>, <c>flatten</c>,
/// <c>adaptive_avg_pool2d</c>). Every node's sample shape is worked out as it is added, by TorchSharp itself,
/// so a description that does not fit the layers fails here, naming the layer.
/// </summary>
public sealed class LayerGraphBuilder
{
    private readonly List<GraphNode> _nodes = new();
    private readonly IReadOnlyDictionary<nn.Module, string> _names;

    private readonly bool _allowDenseLayers;

    internal LayerGraphBuilder(long[] inputShape, IReadOnlyDictionary<nn.Module, string> names, bool allowDenseLayers)
    {
        _names = names;
        _allowDenseLayers = allowDenseLayers;
        Input = Add(new InputNode(inputShape.ToArray()));
    }

    /// <summary>The model's input (one sample's shape, as given to <see cref="SparseForward.Create"/>).</summary>
    public GraphValue Input { get; }

    internal IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>
    /// Calls <paramref name="module"/> on <paramref name="x"/>: a Linear, Conv2d (zero padding), BatchNorm1d/2d,
    /// MaxPool2d, ReLU, Flatten(1, -1), Identity, Dropout, AdaptiveAvgPool2d(1), a Sequential of those, or a module
    /// that describes itself (<see cref="IDescribesGraph"/>). Any other module without weight layers (an activation,
    /// a LayerNorm, an upsampling) is run by TorchSharp inside the graph; one holding weight layers only with
    /// <see cref="SparseForwardOptions.AllowDenseLayers"/>, and those layers are then listed as dense.
    /// </summary>
    /// <exception cref="NotSupportedException">The module holds weight layers the sparse kernels cannot reach and dense layers are not allowed; the message names it and what to do.</exception>
    public GraphValue call(nn.Module<Tensor, Tensor> module, GraphValue x)
    {
        ArgumentNullException.ThrowIfNull(module);
        Own(x);
        switch (module)
        {
            case IDescribesGraph described:
                var output = described.DescribeGraph(this, x) ?? throw new InvalidOperationException($"{Describe(module)}.DescribeGraph returned null.");
                Own(output);
                return output;
            case Sequential sequential:
                foreach (var (_, child) in sequential.named_children())
                {
                    x = call(child as nn.Module<Tensor, Tensor> ?? throw Unsupported(child, "it does not take and return one tensor"), x);
                }

                return x;
            case ReLU:
                return relu(x);
            case Identity or Dropout:
                return Add(new ReshapeNode(x.SampleShape, x.Id));
            case Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1:
                return this.flatten(x);
            case Flatten:
                return Native(module, x, "only Flatten(start_dim: 1, end_dim: -1) has a graph node");
            case AdaptiveAvgPool2d:
                var pooled = ShapeOf(module, x);
                return pooled.Length == 3 && pooled[1] == 1 && pooled[2] == 1
                    ? adaptive_avg_pool2d(x, 1)
                    : Native(module, x, "only an output size of 1 (global average pooling) has a graph node");
            case Linear or Conv2d or MaxPool2d or BatchNorm1d or BatchNorm2d:
                if (LayerKernels.IsWeightLayer(module) && LayerKernels.Unsupported(module) is { } why)
                {
                    return Native(module, x, why);
                }

                if (module is BatchNorm norm && (norm.running_mean is null || norm.running_var is null))
                {
                    throw Unsupported(module, "a BatchNorm without running statistics normalizes with the batch's own, which a per-sample kernel cannot");
                }

                if (module is Conv2d or MaxPool2d or BatchNorm2d && x.SampleShape.Length != 3)
                {
                    throw Unsupported(module, $"it needs [C, H, W] samples; got {x}");
                }

                return Add(new ModuleNode(ShapeOf(module, x), x.Id, module, _names.TryGetValue(module, out var name) ? name : module.GetType().Name));
            default:
                return Native(module, x, LayerKernels.IsWeightLayer(module) ? LayerKernels.Unsupported(module) ?? "no sparse kernel" : "no graph node for this module type");
        }
    }

    /// <summary>max(x, 0), as <c>functional.relu</c>.</summary>
    public GraphValue relu(GraphValue x)
    {
        Own(x);
        return Add(new ReluNode(x.SampleShape, x.Id));
    }

    /// <summary><paramref name="x"/> + <paramref name="other"/> (equal shapes: a residual addition).</summary>
    public GraphValue add(GraphValue x, GraphValue other)
    {
        Own(x);
        Own(other);
        if (!x.SampleShape.SequenceEqual(other.SampleShape))
        {
            throw new ArgumentException($"LayerGraph: add needs equal shapes; got {x} and {other} (broadcasting has no graph node).");
        }

        return Add(new AddNode(x.SampleShape, x.Id, other.Id));
    }

    /// <summary>Concatenates along the channels (<c>cat(tensors, dim: 1)</c> on [B, C, H, W] or [B, F]).</summary>
    public GraphValue cat(params GraphValue[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException("LayerGraph: cat needs at least one value.", nameof(values));
        }

        foreach (var value in values)
        {
            Own(value);
            if (!value.SampleShape.Skip(1).SequenceEqual(values[0].SampleShape.Skip(1)))
            {
                throw new ArgumentException($"LayerGraph: cat along dim 1 needs equal shapes after the channels; got {string.Join(", ", values.Select(v => v.ToString()))}.");
            }
        }

        var shape = values[0].SampleShape.ToArray();
        shape[0] = values.Sum(v => v.SampleShape[0]);
        return Add(new CatNode(shape, values.Select(v => v.Id).ToArray()));
    }

    /// <summary>[C, H, W] to [C·H·W], as <c>x.flatten(1)</c>.</summary>
    public GraphValue flatten(GraphValue x)
    {
        Own(x);
        return Add(new ReshapeNode(new long[] { x.Size }, x.Id));
    }

    /// <summary>Global average pooling, as <c>functional.adaptive_avg_pool2d(x, 1)</c>: [C, H, W] to [C, 1, 1]. Only an output size of 1 is supported.</summary>
    public GraphValue adaptive_avg_pool2d(GraphValue x, long outputSize)
    {
        Own(x);
        if (outputSize != 1 || x.SampleShape.Length != 3)
        {
            throw new ArgumentException($"LayerGraph: adaptive_avg_pool2d has a graph node for output size 1 on [C, H, W] only; got output size {outputSize} on {x}.");
        }

        return Add(new GlobalAveragePoolNode(new[] { x.SampleShape[0], 1L, 1L }, x.Id));
    }

    internal LayerGraph Build(GraphValue output)
    {
        Own(output);
        return new LayerGraph(_nodes.ToArray(), output.Id);
    }

    // A module the kernels cannot run: TorchSharp runs it inside the graph, unless that would run weight layers dense
    // without the caller's consent.
    private GraphValue Native(nn.Module<Tensor, Tensor> module, GraphValue x, string why)
    {
        var weightLayers = module.named_modules().Where(m => LayerKernels.IsWeightLayer(m.module)).Select(m => m.name).ToList();
        if (weightLayers.Count > 0 && !_allowDenseLayers)
        {
            throw Unsupported(module, LayerKernels.IsWeightLayer(module)
                ? $"{why}; set SparseForwardOptions.AllowDenseLayers = true to run it dense in TorchSharp"
                : $"{why}, and it holds weight layers ({string.Join(", ", weightLayers.Select(n => $"'{n}'"))}) that would run dense: if it is your own block, implement IDescribesGraph on it, or set SparseForwardOptions.AllowDenseLayers = true to run it in TorchSharp");
        }

        string name = _names.TryGetValue(module, out var known) ? known : module.GetType().Name;
        return Add(new NativeModuleNode(ShapeOf(module, x), x.Id, module, name, why));
    }

    private GraphValue Add(GraphNode node)
    {
        _nodes.Add(node);
        return new GraphValue(this, _nodes.Count - 1, node.Shape);
    }

    private void Own(GraphValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceEquals(value.Owner, this))
        {
            throw new ArgumentException($"LayerGraph: {value} belongs to another graph.");
        }
    }

    // What the module makes of one zero sample of x's shape: TorchSharp's own shape rules, and a clear error
    // naming the layer when the description hands it something it does not take.
    private long[] ShapeOf(nn.Module<Tensor, Tensor> module, GraphValue x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        try
        {
            return module.call(zeros(new[] { 1L }.Concat(x.SampleShape).ToArray())).shape.Skip(1).ToArray();
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"LayerGraph: {Describe(module)} does not take {x}: {e.Message.Split('\n')[0]}", e);
        }
    }

    private string Describe(nn.Module module) =>
        _names.TryGetValue(module, out var name) ? $"'{name}' ({module.GetType().Name})" : module.GetType().Name;

    private NotSupportedException Unsupported(nn.Module module, string why) =>
        new($"LayerGraph: {Describe(module)} cannot be described: {why}.");
}
