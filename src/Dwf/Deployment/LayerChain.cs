using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// The data flow of a feed-forward model as an explicit, ordered list of steps: weight layers
/// (<see cref="LinearStep"/>, <see cref="Conv2dStep"/>) and the operations between them
/// (activations, max pooling, flatten). Compaction (<see cref="Compaction"/>) and sparse execution
/// (<see cref="SparseModel"/>) work from this description, because a custom <c>forward</c> cannot be read.
/// </summary>
/// <remarks>
/// A chain is built with <see cref="Create"/> (a fluent builder taking the layers in order) or from a
/// <see cref="Sequential"/> with <see cref="FromSequential"/>. Shapes are checked while building: each
/// step must accept the shape the previous one produces, starting from <see cref="InputShape"/>.
/// The chain refers to the model's own layer objects; it does not copy weights. Whether it really
/// describes the model's <c>forward</c> is checked by <see cref="Compaction.Compact(nn.Module{Tensor, Tensor}, LayerChain, CompactionOptions?)"/>
/// on a probe input before anything is built from it.
/// </remarks>
public sealed class LayerChain
{
    internal LayerChain(long[] inputShape, IReadOnlyList<ChainStep> steps, IReadOnlyList<long[]> shapes)
    {
        InputShape = inputShape;
        Steps = steps;
        OutputShapes = shapes;
    }

    /// <summary>The shape of one input sample, without the batch dimension (e.g. [784] or [1, 28, 28]).</summary>
    public long[] InputShape { get; }

    /// <summary>The steps in execution order.</summary>
    public IReadOnlyList<ChainStep> Steps { get; }

    /// <summary>The per-sample output shape of each step (same index as <see cref="Steps"/>).</summary>
    public IReadOnlyList<long[]> OutputShapes { get; }

    /// <summary>The per-sample input shape of step <paramref name="index"/>.</summary>
    public long[] InputShapeOf(int index) => index == 0 ? InputShape : OutputShapes[index - 1];

    /// <summary>Starts a chain whose samples have shape <paramref name="inputShape"/> (without the batch dimension).</summary>
    public static LayerChainBuilder Create(params long[] inputShape) => new(inputShape);

    /// <summary>
    /// Describes a <see cref="Sequential"/> of supported modules (Linear, Conv2d, ReLU, LeakyReLU, Tanh,
    /// Sigmoid, Identity, Dropout (identity at inference), MaxPool2d, Flatten(1, -1)); anything else is
    /// refused with the child's name, its type and the reason.
    /// </summary>
    public static LayerChain FromSequential(Sequential sequential, params long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(sequential);
        var builder = Create(inputShape);
        foreach (var (name, child) in sequential.named_children())
        {
            switch (child)
            {
                case Linear linear: builder.Linear(linear, name); break;
                case Conv2d conv: builder.Conv2d(conv, name); break;
                case ReLU: builder.ReLU(name); break;
                case LeakyReLU leaky: builder.LeakyReLU(leaky.negative_slope, name); break;
                case Tanh: builder.Tanh(name); break;
                case Sigmoid: builder.Sigmoid(name); break;
                case Identity or Dropout: builder.Identity(name); break;
                case MaxPool2d pool: builder.MaxPool2d(pool.kernel_size, pool.stride, pool.padding, pool.dilation, pool.ceil_mode, name); break;
                case Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1: builder.Flatten(name); break;
                case SelectInputs select when builder.IsEmpty: builder.SelectInputs(select, name); break;
                default: throw new NotSupportedException(Unsupported(name, child));
            }
        }

        return builder.Build();
    }

    /// <summary>Runs the chain with TorchSharp's functional ops on the chain's layers (a reference to compare a model against).</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var x = input.alias();
        foreach (var step in Steps)
        {
            x = step switch
            {
                LinearStep s => s.Layer.call(x),
                Conv2dStep s => s.Layer.call(x),
                ActivationStep s => ApplyActivation(s, x),
                MaxPool2dStep s => nn.functional.max_pool2d(x, s.KernelSize, s.Stride, s.Padding, s.Dilation, s.CeilMode),
                FlattenStep => x.flatten(1),
                SelectInputsStep s => s.Module.call(x),
                _ => throw new NotSupportedException(step.GetType().Name),
            };
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Indices (into <see cref="Steps"/>) of the weight layers, in order.</summary>
    public IReadOnlyList<int> WeightLayerIndices() =>
        Steps.Select((s, i) => (s, i)).Where(e => e.s is LinearStep or Conv2dStep).Select(e => e.i).ToList();

    /// <inheritdoc/>
    public override string ToString() =>
        $"[{Shape(InputShape)}] → " + string.Join(" → ", Steps.Select((s, i) => $"{s.Name} [{Shape(OutputShapes[i])}]"));

    internal static Tensor ApplyActivation(ActivationStep step, Tensor x) => step.Kind switch
    {
        ActivationKind.Identity => x.alias(),
        ActivationKind.ReLU => nn.functional.relu(x),
        ActivationKind.LeakyReLU => nn.functional.leaky_relu(x, step.NegativeSlope),
        ActivationKind.Tanh => x.tanh(),
        ActivationKind.Sigmoid => x.sigmoid(),
        _ => throw new NotSupportedException($"Activation {step.Kind} is not supported."),
    };

    internal static string Shape(long[] shape) => string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    private static string Unsupported(string name, nn.Module child)
    {
        string type = child.GetType().Name;
        string why = child switch
        {
            BatchNorm1d or BatchNorm2d or LayerNorm or GroupNorm or InstanceNorm2d =>
                "normalization between layers mixes a unit's value with statistics, so a dead unit is not a constant the next bias can absorb; fold the normalization into the preceding layer first",
            Sequential => "nested Sequentials are not flattened; describe the layers with LayerChain.Create(...) instead",
            Flatten => "only Flatten(start_dim: 1, end_dim: -1) is supported",
            _ => "its effect on a constant unit is unknown (custom or unsupported module)",
        };
        return $"LayerChain.FromSequential: child '{name}' ({type}) cannot be described: {why}.";
    }
}
