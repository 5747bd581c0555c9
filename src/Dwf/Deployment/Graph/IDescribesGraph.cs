namespace Dwf.Deployment;

/// <summary>
/// A module that describes its <c>forward</c> as a graph of its layers and the operations between them, so that
/// <see cref="SparseForward"/> can run it entirely in C# sparse kernels, without a native call per layer (the
/// <see cref="SparseServingPath.Graph"/> path). Blocks describe themselves the same way and compose: a model calls
/// <see cref="LayerGraphBuilder.call"/> on a block, and the block's own description is used.
/// </summary>
/// <remarks>
/// The description mirrors <c>forward</c> line by line, for example for a residual block:
/// <code>
/// public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input)
/// {
///     var x = graph.relu(graph.call(bn1, graph.call(conv1, input)));
///     x = graph.call(bn2, graph.call(conv2, x));
///     var identity = shortcut is null ? input : graph.call(shortcut, input);
///     return graph.relu(graph.add(x, identity));
/// }
/// </code>
/// It is never trusted: <see cref="SparseForward.Create"/> runs the description with TorchSharp's own operations
/// and compares it with the model's forward on a probe input before anything is built from it, and says which of
/// the two (the description or the sparse kernels) differs.
/// </remarks>
public interface IDescribesGraph
{
    /// <summary>Adds this module's forward to <paramref name="graph"/>, applied to <paramref name="input"/>, and returns its output.</summary>
    GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input);
}
