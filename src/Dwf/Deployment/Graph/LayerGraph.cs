using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// A module's forward as recorded by <see cref="LayerGraphBuilder"/>: nodes in execution order (a node's index is
/// the id of the value it produces; node 0 is the input) and the id of the output.
/// </summary>
internal sealed class LayerGraph
{
    public LayerGraph(IReadOnlyList<GraphNode> nodes, int output)
    {
        Nodes = nodes;
        Output = output;
    }

    public IReadOnlyList<GraphNode> Nodes { get; }

    public int Output { get; }

    public long[] InputShape => Nodes[0].Shape;

    /// <summary>Records <paramref name="model"/>'s description for samples of <paramref name="inputShape"/> (model in eval mode).</summary>
    public static LayerGraph Describe(nn.Module<Tensor, Tensor> model, long[] inputShape, bool allowDenseLayers)
    {
        if (model is not IDescribesGraph described)
        {
            throw new ArgumentException($"{model.GetType().Name} does not implement IDescribesGraph.", nameof(model));
        }

        var names = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in model.named_modules())
        {
            names.TryAdd(module, name);
        }

        var builder = new LayerGraphBuilder(inputShape, names, allowDenseLayers);
        return builder.Build(described.DescribeGraph(builder, builder.Input));
    }

    /// <summary>
    /// Runs the graph with TorchSharp's own operations on the model's modules: what the description says the
    /// forward computes, to compare with the forward itself (and the sparse kernels with it).
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var values = new Tensor[Nodes.Count];
        long batch = input.shape[0];
        for (int i = 0; i < Nodes.Count; i++)
        {
            values[i] = Nodes[i] switch
            {
                InputNode => input,
                ModuleNode n => n.Module.call(values[n.Input]),
                NativeModuleNode n => n.Module.call(values[n.Input]),
                ReluNode n => nn.functional.relu(values[n.Input]),
                AddNode n => values[n.Left].add(values[n.Right], Dwf.Numerics.Scalars.One),
                CatNode n => cat(n.Inputs.Select(v => values[v]).ToList(), 1),
                ReshapeNode n => values[n.Input].reshape(new[] { batch }.Concat(n.Shape).ToArray()),
                GlobalAveragePoolNode n => nn.functional.adaptive_avg_pool2d(values[n.Input], 1),
                var n => throw new NotSupportedException(n.GetType().Name),
            };
        }

        return values[Output].alias().MoveToOuterDisposeScope();
    }
}
