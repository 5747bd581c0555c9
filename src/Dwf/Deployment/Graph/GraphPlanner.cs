using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Builds the graph path of <see cref="SparseForward"/>: records the model's description, checks that it is the
/// forward (TorchSharp's own operations on the described graph against the model's forward), compiles it to C#
/// kernels and checks those against the forward too. Each check names what is wrong: the description or the kernels.
/// </summary>
internal static class GraphPlanner
{
    public static (GraphProgram Program, IReadOnlyList<SparseLayerInfo> Layers) Build(nn.Module<Tensor, Tensor> model, long[] inputShape, SparseForwardOptions options)
    {
        string modelName = model.GetType().Name;
        if (model is not IDescribesGraph)
        {
            throw new InvalidOperationException($"SparseServingPath.Graph was asked for, but {modelName} does not describe its forward (implement IDescribesGraph). Use SparseServingPath.Auto or Hooks.");
        }

        if (model.training)
        {
            throw new InvalidOperationException($"{modelName} is in training mode. The sparse form serves eval mode only (BatchNorm is folded with its running statistics): call eval() first.");
        }

        LayerGraph graph;
        try
        {
            graph = LayerGraph.Describe(model, inputShape, options.AllowDenseLayers);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"{modelName} cannot be served on the graph path: {e.Message} SparseServingPath.Hooks serves the forward as written (with AllowDenseLayers, layers without a sparse kernel stay dense).", e);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // More samples than one chunk of the program, so that the check also covers what crosses chunks.
        var probe = Probe.Input(inputShape, options with { ProbeBatch = Math.Max(options.ProbeBatch, GraphProgram.ChunkSize + 1) });
        var reference = model.call(probe);
        double described = Probe.RelativeDifference(reference, graph.Forward(probe));
        if (!(described <= options.Tolerance))
        {
            throw new InvalidOperationException(
                $"{modelName}.DescribeGraph does not describe its forward: on a probe input the described graph, run with TorchSharp's own operations, differs from forward by {Compaction.Format(described)} of the largest output (tolerance {options.Tolerance}). " +
                "Make DescribeGraph mirror forward step by step (every layer, activation, addition and shortcut, in order), or serve the forward as written with SparseServingPath.Hooks.");
        }

        var program = GraphProgram.Compile(graph, options.FoldBatchNorm);
        double sparse = Probe.RelativeDifference(reference, program.Run(probe));
        if (!(sparse <= options.Tolerance))
        {
            throw new InvalidOperationException(
                $"The sparse form of {modelName} does not compute its dense eval-mode forward: its description does (checked), but the compiled graph differs by {Compaction.Format(sparse)} of the largest output on a probe input (tolerance {options.Tolerance}). " +
                "Unless a module run in TorchSharp inside the graph mixes samples across the batch (it sees 8 at a time) or is not deterministic, this is a bug of the sparse kernels.");
        }

        var called = program.Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var unused = model.named_modules()
            .Where(m => LayerKernels.IsWeightLayer(m.module) && !called.Contains(m.name))
            .Select(m => SparseForward.Info(m.name, m.module, SparseLayerStatus.Unused, SparseForward.Weight(m.module) is { } w ? SparseForward.CountNonZero(w) : 0, null, "not in the graph the model describes"));
        // A layer called twice is served twice (one kernel per call) but listed, and counted, once.
        var served = program.Layers.GroupBy(l => l.Name, StringComparer.Ordinal).Select(g => g.First());
        return (program, served.Concat(unused).ToList());
    }
}
