using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>One node of a <see cref="LayerGraph"/>; its index in the graph is the id of the value it produces.</summary>
/// <param name="Shape">The shape of one sample of its output.</param>
internal abstract record GraphNode(long[] Shape);

/// <summary>The model's input.</summary>
internal sealed record InputNode(long[] Shape) : GraphNode(Shape);

/// <summary>A call of one of the model's modules: Linear, Conv2d, BatchNorm1d/2d or MaxPool2d.</summary>
internal sealed record ModuleNode(long[] Shape, int Input, nn.Module<Tensor, Tensor> Module, string Name) : GraphNode(Shape);

/// <summary>max(x, 0).</summary>
internal sealed record ReluNode(long[] Shape, int Input) : GraphNode(Shape);

/// <summary>a + b, same shapes.</summary>
internal sealed record AddNode(long[] Shape, int Left, int Right) : GraphNode(Shape);

/// <summary>Concatenation along the channel (first per-sample) dimension.</summary>
internal sealed record CatNode(long[] Shape, int[] Inputs) : GraphNode(Shape);

/// <summary>The same values under another shape (flatten) or unchanged (identity, dropout in eval mode).</summary>
internal sealed record ReshapeNode(long[] Shape, int Input) : GraphNode(Shape);

/// <summary>Mean over each channel's plane: [C, H, W] to [C, 1, 1] (adaptive_avg_pool2d(x, 1)).</summary>
internal sealed record GlobalAveragePoolNode(long[] Shape, int Input) : GraphNode(Shape);

/// <summary>
/// A module without a graph node, run by TorchSharp inside the program (its input copied into a tensor and its
/// output back): parameter-free or normalization modules freely, weight layers only when dense layers are allowed.
/// </summary>
internal sealed record NativeModuleNode(long[] Shape, int Input, nn.Module<Tensor, Tensor> Module, string Name, string Reason) : GraphNode(Shape);
