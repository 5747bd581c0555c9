using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Removes the units that sparsity made dead from a collapsed feed-forward model and returns a new, smaller
/// model with the same outputs (up to float rounding).
/// </summary>
/// <remarks>
/// <para>
/// Units are features between Linear layers and channels between convolutions. At every boundary of the
/// chain a unit is removed when
/// </para>
/// <list type="bullet">
/// <item><b>constant</b>: all its incoming weights from non-constant units are zero. It then emits act(b′_j)
/// everywhere, where b′_j is its bias plus the folded constants of its own inputs; its effect on the next layer,
/// W_{k+1}[:, j]·act(b′_j) (summed over the kernel taps or the flattened positions the unit feeds), is added to
/// the next layer's bias. Into a zero-padded convolution a constant is not constant at the border, so there only
/// a constant that is exactly zero (e.g. a ReLU unit with a negative bias) is removed.</item>
/// <item><b>unused</b>: no remaining (kept or constant) unit of the next layer reads it with a non-zero weight.</item>
/// </list>
/// <para>
/// The rules are applied until nothing changes (removing a unit can make units before and after it dead).
/// Output units of the last layer are always kept. Input features of the first layer that nothing reads are
/// dropped through a leading <see cref="SelectInputs"/> step when <see cref="CompactionOptions.PruneInputs"/> is set.
/// </para>
/// <para>
/// What cannot be compacted: models whose data flow is not a chain (residual connections, concatenations,
/// several inputs), weights shared between layers, normalization between layers (fold it first), grouped or
/// non-zero-padded (reflect, replicate) convolutions, and custom modules between layers. See docs/deployment.md.
/// </para>
/// </remarks>
public static class Compaction
{
    /// <summary>Compacts a model that declares its chain (<see cref="ICompactable"/>).</summary>
    public static CompactionResult Compact<TModule>(TModule module, CompactionOptions? options = null)
        where TModule : nn.Module<Tensor, Tensor>, ICompactable
    {
        ArgumentNullException.ThrowIfNull(module);
        return Compact(module, module.DescribeChain(), options);
    }

    /// <summary>Compacts a <see cref="Sequential"/> of supported modules (see <see cref="LayerChain.FromSequential"/>).</summary>
    public static CompactionResult Compact(Sequential sequential, long[] inputShape, CompactionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sequential);
        return Compact(sequential, LayerChain.FromSequential(sequential, inputShape), options);
    }

    /// <summary>
    /// Compacts <paramref name="module"/>, whose data flow <paramref name="chain"/> describes. The module is not changed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The module is factorized and not collapsed, or the chain does not reproduce its forward.</exception>
    public static CompactionResult Compact(nn.Module<Tensor, Tensor> module, LayerChain chain, CompactionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(chain);
        options ??= new CompactionOptions();
        if (Factorization.Find(module) is { IsCollapsed: false })
        {
            throw new InvalidOperationException(
                $"{module.GetType().Name} is still factorized: its weights have no exact zeros yet. Call Collapse() first, then compact.");
        }

        if (options.VerifyChain)
        {
            ChainVerification.Verify(module, chain, options);
        }

        var weightSteps = chain.WeightLayerIndices();
        var views = weightSteps.Select(i => WeightLayerView.Create(chain, i)).ToArray();
        bool pruneInputs = options.PruneInputs && weightSteps[0] == 0;
        var plan = UnitPlan.Solve(chain, views, pruneInputs);
        return Build(chain, views, plan);
    }

    private static CompactionResult Build(LayerChain chain, WeightLayerView[] views, UnitPlan plan)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        long weightsBefore = 0, weightsAfter = 0, nonZero = 0;
        var first = chain.Steps[views[0].StepIndex] switch
        {
            LinearStep s => s.Layer.weight!,
            Conv2dStep s => s.Layer.weight,
            _ => throw new InvalidOperationException(),
        };

        if (plan.InputsPruned)
        {
            var kept = plan.KeptInputs();
            modules.Add(("select_inputs", new SelectInputs(views[0].InputUnits, kept.Length == 0 ? new[] { 0L } : kept)));
        }

        int layer = 0;
        using (no_grad())
        {
            for (int i = 0; i < chain.Steps.Count; i++)
            {
                var step = chain.Steps[i];
                string name = step.Name.Replace('.', '_');
                switch (step)
                {
                    case LinearStep or Conv2dStep:
                        var (module, before, after, nz) = CompactLayer(step, views[layer], plan, layer);
                        modules.Add((name, module));
                        weightsBefore += before;
                        weightsAfter += after;
                        nonZero += nz;
                        layer++;
                        break;
                    case ActivationStep s:
                        modules.Add((name, s.Kind switch
                        {
                            ActivationKind.ReLU => nn.ReLU(),
                            ActivationKind.LeakyReLU => nn.LeakyReLU(s.NegativeSlope),
                            ActivationKind.Tanh => nn.Tanh(),
                            ActivationKind.Sigmoid => nn.Sigmoid(),
                            _ => nn.Identity(),
                        }));
                        break;
                    case MaxPool2dStep s:
                        modules.Add((name, nn.MaxPool2d((s.KernelSize[0], s.KernelSize[1]), (s.Stride[0], s.Stride[1]), (s.Padding[0], s.Padding[1]), (s.Dilation[0], s.Dilation[1]), s.CeilMode)));
                        break;
                    case FlattenStep:
                        modules.Add((name, nn.Flatten()));
                        break;
                    case SelectInputsStep s:
                        modules.Add((name, new SelectInputs(s.Module.InputCount, s.Module.Kept)));
                        break;
                    default:
                        throw new NotSupportedException(step.GetType().Name);
                }
            }
        }

        var sequential = nn.Sequential(modules);
        sequential.to(first.dtype).to(first.device);
        sequential.eval();
        var compactChain = LayerChain.FromSequential(sequential, chain.InputShape);
        return new CompactionResult(sequential, compactChain, plan.Report(views), weightsBefore, weightsAfter, nonZero);
    }

    private static (nn.Module<Tensor, Tensor> Module, long Before, long After, long NonZero) CompactLayer(ChainStep step, WeightLayerView view, UnitPlan plan, int layer)
    {
        using var scope = NewDisposeScope();
        var keptOut = plan.KeptOutputs(layer);
        var keptIn = plan.KeptInputsOf(layer);
        var bias = plan.FoldedBias(layer, view, keptOut);
        switch (step)
        {
            case LinearStep s:
            {
                var w = s.Layer.weight!.detach().reshape(view.Outputs, view.InputUnits, view.Group);
                var selected = Select(Select(w, 0, keptOut), 1, keptIn);
                long outputs = selected.shape[0], inputs = selected.shape[1] * view.Group;
                var linear = nn.Linear(inputs, outputs, hasBias: true, device: w.device, dtype: w.dtype);
                linear.weight!.copy_(selected.reshape(outputs, inputs));
                linear.bias!.copy_(Bias(bias, outputs, w));
                return (linear, w.numel(), selected.numel(), selected.count_nonzero().item<long>());
            }

            case Conv2dStep s:
            {
                var c = s.Layer;
                var w = c.weight.detach();
                var selected = Select(Select(w, 0, keptOut), 1, keptIn);
                var conv = nn.Conv2d(
                    selected.shape[1], selected.shape[0], (c.kernel_size[0], c.kernel_size[1]), (c.stride[0], c.stride[1]),
                    (c.padding![0], c.padding[1]), (c.dilation[0], c.dilation[1]), c.padding_mode, bias: true, device: w.device, dtype: w.dtype);
                conv.weight.copy_(selected);
                conv.bias!.copy_(Bias(bias, selected.shape[0], w));
                return (conv, w.numel(), selected.numel(), selected.count_nonzero().item<long>());
            }

            default:
                throw new InvalidOperationException();
        }
    }

    // index_select that keeps one all-zero slot when nothing is kept (a layer with zero units is not a valid module).
    private static Tensor Select(Tensor tensor, int dim, long[] indices)
    {
        if (indices.Length > 0)
        {
            return tensor.index_select(dim, torch.tensor(indices, device: tensor.device));
        }

        var shape = tensor.shape.ToArray();
        shape[dim] = 1;
        return zeros(shape, dtype: tensor.dtype, device: tensor.device);
    }

    private static Tensor Bias(double[] values, long count, Tensor like) =>
        values.Length == count
            ? torch.tensor(values, dtype: ScalarType.Float64).to(like.dtype).to(like.device)
            : zeros(new[] { count }, dtype: like.dtype, device: like.device);

    internal static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
