using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TorchSharp;
using Dwf.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Runs a collapsed model of <b>any architecture</b> with sparse kernels: residual additions, concatenations,
/// pooling and activations run as the model's own <c>forward</c> writes them, while its Linear and Conv2d
/// layers (with a BatchNorm that directly follows one folded in) compute from their non-zero weights only.
/// </summary>
/// <remarks>
/// <para>
/// Three paths (<see cref="SparseForwardOptions.Path"/>): a model that declares a <see cref="LayerChain"/>
/// (<see cref="ICompactable"/>, or a <c>Sequential</c> of supported modules) runs entirely in the C# kernels of
/// <see cref="SparseModel"/>; a model that describes its forward (<see cref="IDescribesGraph"/>) runs that graph,
/// residual additions included, in the same kernels; any other model keeps its forward and TorchSharp forward hooks
/// substitute the sparse kernels for its weight layers (the hooks are installed on the model itself and removed by
/// <c>Dispose</c>).
/// </para>
/// <para>
/// Before it is returned the sparse form is checked on a probe input: its output must equal the dense eval-mode
/// forward (within <see cref="SparseForwardOptions.Tolerance"/>), and, on the hooks path, no weight layer may still compute densely
/// behind the hooks' back (a layer called as <c>layer.forward(x)</c> instead of <c>layer.call(x)</c>): with those
/// weights set to NaN the output must not change. Layers the kernels cannot run are refused with their name and
/// the reason unless <see cref="SparseForwardOptions.AllowDenseLayers"/> is set; <see cref="Layers"/> says how
/// every weight layer runs. Eval mode only, float32 on the CPU, no gradients.
/// </para>
/// </remarks>
public sealed class SparseForward : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly SparseModel? _chain;
    private readonly GraphProgram? _graph;
    private readonly Dictionary<string, GraphProgram> _graphsOfOtherShapes = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ServedLayer> _served;
    private readonly SparseForwardOptions _options;
    private bool _installed;
    private bool _disposed;

    private SparseForward(nn.Module<Tensor, Tensor> model, long[] inputShape, SparseModel? chain, IReadOnlyList<ServedLayer> served, IReadOnlyList<SparseLayerInfo> layers, SparseForwardOptions options, GraphProgram? graph = null)
        : base(nameof(SparseForward))
    {
        _model = model;
        InputShape = inputShape;
        _chain = chain;
        _graph = graph;
        _served = served;
        Layers = layers;
        _options = options;
    }

    /// <summary>The path in use: <see cref="SparseServingPath.LayerChain"/>, <see cref="SparseServingPath.Graph"/> or <see cref="SparseServingPath.Hooks"/>.</summary>
    public SparseServingPath Path => _chain is not null ? SparseServingPath.LayerChain : _graph is not null ? SparseServingPath.Graph : SparseServingPath.Hooks;

    /// <summary>Shape of one input sample (without the batch dimension), as given to <see cref="Create"/>.</summary>
    public long[] InputShape { get; }

    /// <summary>Every weight layer of the model and how it runs.</summary>
    public IReadOnlyList<SparseLayerInfo> Layers { get; }

    /// <summary>Non-zero weights the sparse kernels store (after BatchNorm folding).</summary>
    public long NonZeroWeights => Layers.Where(l => l.Status == SparseLayerStatus.Sparse).Sum(l => l.NonZeroWeights);

    /// <summary>Entries of the weight tensors the sparse kernels stand in for.</summary>
    public long ServedWeights => Layers.Where(l => l.Status == SparseLayerStatus.Sparse).Sum(l => l.TotalWeights);

    /// <summary>
    /// Builds the sparse form of a collapsed (or never factorized) <paramref name="model"/> whose samples have the
    /// shape <paramref name="inputShape"/> (e.g. 1, 28, 28), puts the model in eval mode and checks the result on a
    /// probe input. With the hooks path the model itself is changed until the returned object is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is still factorized, holds a layer the kernels cannot run (and dense layers are not allowed), calls a layer with <c>forward()</c>, or the sparse output differs from the dense one.</exception>
    public static SparseForward Create(nn.Module<Tensor, Tensor> model, long[] inputShape, SparseForwardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        options ??= new SparseForwardOptions();
        string modelName = model.GetType().Name;
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"inputShape must give the positive sizes of one sample, e.g. (1, 28, 28); got ({string.Join(", ", inputShape)}).", nameof(inputShape));
        }

        if (options.ProbeBatch < 1 || !(options.Tolerance > 0))
        {
            throw new ArgumentException($"SparseForwardOptions: ProbeBatch must be ≥ 1 and Tolerance > 0 (got {options.ProbeBatch} and {options.Tolerance}).", nameof(options));
        }

        if (Factorization.Find(model) is { IsCollapsed: false })
        {
            throw new InvalidOperationException($"{modelName} is still factorized: call Collapse() before building its sparse form (the sparse kernels read the collapsed weights).");
        }

        foreach (var (name, parameter) in model.named_parameters())
        {
            if (parameter.dtype != ScalarType.Float32 || parameter.device_type != DeviceType.CPU)
            {
                throw new InvalidOperationException($"{modelName}.{name} is {parameter.dtype} on {parameter.device}; the sparse kernels run float32 on the CPU. Call model.to(float32).cpu() first.");
            }
        }

        NativeNumerics.EnsureChecked();
        model.eval();
        var chain = options.Path is SparseServingPath.Hooks or SparseServingPath.Graph ? null : TryChain(model, inputShape, options);
        if (chain is not null)
        {
            var layers = model.named_modules().Where(m => LayerKernels.IsWeightLayer(m.module))
                .Select(m => Info(m.name, m.module, SparseLayerStatus.Sparse, Weight(m.module) is { } w ? CountNonZero(w) : 0, null, null))
                .ToList();
            return new SparseForward(model, inputShape.ToArray(), chain, Array.Empty<ServedLayer>(), layers, options);
        }

        if (options.Path == SparseServingPath.Graph || (options.Path == SparseServingPath.Auto && model is IDescribesGraph))
        {
            var (graph, layers) = GraphPlanner.Build(model, inputShape, options);
            return new SparseForward(model, inputShape.ToArray(), null, Array.Empty<ServedLayer>(), layers, options, graph);
        }

        return HookPlanner.Build(model, inputShape.ToArray(), options, (served, layers) => new SparseForward(model, inputShape.ToArray(), null, served, layers, options));
    }

    /// <summary>
    /// Checks again that the sparse form computes the dense model's function on the probe input (e.g. after
    /// loading other weights into the model, which the kernels do not see: build a new sparse form then).
    /// </summary>
    /// <exception cref="InvalidOperationException">The outputs differ by more than the tolerance.</exception>
    public void Verify()
    {
        EnsureNotDisposed();
        double difference = RelativeDifference();
        if (!(difference <= _options.Tolerance))
        {
            throw new InvalidOperationException(
                $"The sparse form of {_model.GetType().Name} no longer computes its dense forward: on the probe input the outputs differ by {Compaction.Format(difference)} of the largest output (tolerance {_options.Tolerance}). " +
                "If the model's weights changed after SparseForward.Create, dispose this form and create a new one.");
        }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        EnsureNotDisposed();
        if (input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU)
        {
            throw new ArgumentException($"SparseForward runs float32 on the CPU; got {input.dtype} on {input.device}. Convert the input with .to(float32).cpu().", nameof(input));
        }

        if (_chain is not null)
        {
            return _chain.call(input);
        }

        if (_graph is not null)
        {
            var shape = input.shape;
            if (shape.Length != InputShape.Length + 1)
            {
                throw new ArgumentException($"This sparse form of {_model.GetType().Name} takes [B, {LayerChain.Shape(InputShape)}] batches (or other sizes of the same rank); got [{LayerChain.Shape(shape)}].", nameof(input));
            }

            return shape.AsSpan(1).SequenceEqual(InputShape) ? _graph.Run(input) : GraphFor(shape[1..]).Run(input);
        }

        using var noGrad = no_grad();
        return _model.call(input);
    }

    /// <summary>A table of the weight layers: how each runs, its non-zero weights, the folded BatchNorm, the reason when not sparse.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(System.FormattableString.Invariant($"SparseForward of {_model.GetType().Name} ({Path}): {NonZeroWeights} non-zero of {ServedWeights} weights served sparsely"));
        if (Path == SparseServingPath.Hooks && _model is not IDescribesGraph)
        {
            // The hooks path pays a native call per layer; the graph path does not (see docs/deployment.md).
            text.Append("; every layer still costs a native call: describe the forward (IDescribesGraph) to run it all in C#");
        }

        foreach (var layer in Layers)
        {
            text.AppendLine();
            text.Append(System.FormattableString.Invariant($"  {layer.Name} ({layer.Type}): {layer.Status}, {layer.NonZeroWeights}/{layer.TotalWeights}"));
            if (layer.FoldedNorm is not null)
            {
                text.Append(System.FormattableString.Invariant($", {layer.FoldedNorm} folded in"));
            }

            if (layer.Reason is not null)
            {
                text.Append(" (").Append(layer.Reason).Append(')');
            }
        }

        return text.ToString();
    }

    /// <summary>Test hook: corrupts one stored weight of the served layer <paramref name="name"/>.</summary>
    internal void CorruptForTest(string name)
    {
        if (_graph is not null)
        {
            _graph.CorruptForTest(name);
            return;
        }

        _served.Single(s => s.Name == name).Kernel.CorruptForTest();
    }

    internal void Install()
    {
        if (!_installed)
        {
            foreach (var layer in _served)
            {
                layer.Install();
            }

            _installed = true;
        }
    }

    internal void Uninstall()
    {
        if (_installed)
        {
            foreach (var layer in _served)
            {
                layer.Dispose();
            }

            _installed = false;
        }
    }

    /// <summary>max |sparse − dense| / max |dense| on the probe input, with the hooks removed for the dense run.</summary>
    internal double RelativeDifference()
    {
        if (_chain is not null)
        {
            return Probe.RelativeDifference(_model, InputShape, _options, _chain.call);
        }

        if (_graph is not null)
        {
            if (_model.training)
            {
                throw new InvalidOperationException($"{_model.GetType().Name} is in training mode: the check compares with the dense eval-mode forward (and would update BatchNorm statistics in training mode). Call eval() first.");
            }

            return Probe.RelativeDifference(_model, InputShape, _options, _graph.Run);
        }

        bool wasInstalled = _installed;
        Uninstall();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var probe = Probe.Input(InputShape, _options);
        var reference = _model.call(probe);
        Install();
        try
        {
            return Probe.RelativeDifference(reference, _model.call(probe));
        }
        finally
        {
            if (!wasInstalled)
            {
                Uninstall();
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Uninstall();
            _chain?.Dispose();
            _disposed = true;
        }

        base.Dispose(disposing);
    }

    // A model that pools adaptively takes other image sizes: its graph is described, checked and compiled again
    // for each new sample shape (once; a shape it does not take is refused with the layer's name).
    private GraphProgram GraphFor(long[] sampleShape)
    {
        string key = LayerChain.Shape(sampleShape);
        lock (_graphsOfOtherShapes)
        {
            if (!_graphsOfOtherShapes.TryGetValue(key, out var program))
            {
                program = GraphPlanner.Build(_model, sampleShape, _options).Program;
                _graphsOfOtherShapes.Add(key, program);
            }

            return program;
        }
    }

    private void EnsureNotDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(SparseForward), "This sparse form was disposed (its hooks are removed); create a new one with SparseForward.Create.");
        }
    }

    internal static Tensor? Weight(nn.Module module) => module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter;

    internal static long CountNonZero(Tensor weight)
    {
        using var count = weight.detach().count_nonzero();
        return count.item<long>();
    }

    internal static SparseLayerInfo Info(string name, nn.Module module, SparseLayerStatus status, long nonZero, string? folded, string? reason) =>
        new(name, module.GetType().Name, status, nonZero, Weight(module)?.numel() ?? 0, folded, reason);

    private static SparseModel? TryChain(nn.Module<Tensor, Tensor> model, long[] inputShape, SparseForwardOptions options)
    {
        var compaction = new CompactionOptions { VerificationTolerance = options.Tolerance, ProbeSeed = options.ProbeSeed };
        LayerChain? chain = null;
        string? why = null;
        if (model is ICompactable compactable)
        {
            chain = compactable.DescribeChain();
        }
        else if (model is Sequential sequential)
        {
            try
            {
                chain = LayerChain.FromSequential(sequential, inputShape);
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
            {
                why = e.Message;
            }
        }
        else
        {
            why = $"{model.GetType().Name} neither declares a LayerChain (ICompactable) nor is a Sequential";
        }

        if (chain is null)
        {
            return options.Path == SparseServingPath.LayerChain
                ? throw new InvalidOperationException($"SparseServingPath.LayerChain was asked for, but {why}. Use SparseServingPath.Auto or Hooks.")
                : null;
        }

        if (!chain.InputShape.SequenceEqual(inputShape))
        {
            throw new ArgumentException($"inputShape ({string.Join(", ", inputShape)}) differs from the shape {model.GetType().Name}'s LayerChain declares ({string.Join(", ", chain.InputShape)}).", nameof(inputShape));
        }

        ChainVerification.Verify(model, chain, compaction);
        return SparseModel.FromChain(chain);
    }
}
