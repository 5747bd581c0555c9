using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Answers one Linear or Conv2d module's calls with a sparse kernel, through TorchSharp's forward hooks: the
/// pre-hook keeps the real input and hands the module an empty batch (its own forward still runs, on zero
/// samples: TorchSharp offers no way to skip it), the post-hook returns the sparse kernel's result instead. A
/// BatchNorm folded into the kernel is hooked the same way and passes its input through.
/// </summary>
/// <remarks>
/// Hooks run only in <c>Module.call</c>: a layer invoked as <c>layer.forward(x)</c> bypasses them, which
/// <see cref="SparseForward"/> detects and reports (and the analyzer flags at compile time, DWF017).
/// </remarks>
internal sealed class ServedLayer : IDisposable
{
    // The real input between a module's pre-hook and its post-hook. Leaf modules never call other modules from
    // their forward, so one slot per thread is enough, and concurrent forwards on other threads do not collide.
    [ThreadStatic]
    private static Tensor? t_pending;

    [ThreadStatic]
    private static long[]? t_pendingShape;

    // The last sparse result and its shape: a folded norm reads exactly that tensor, and its shape is known
    // without asking the native side again.
    [ThreadStatic]
    private static Tensor? t_lastOutput;

    [ThreadStatic]
    private static long[]? t_lastOutputShape;

    private readonly List<Action> _removers = new();
    private readonly EmptyBatch _layerEmpty = new();
    private readonly EmptyBatch _normEmpty = new();

    public ServedLayer(string name, nn.Module<Tensor, Tensor> layer, ILayerKernel kernel, string? normName, nn.Module<Tensor, Tensor>? norm)
    {
        Name = name;
        Layer = layer;
        Kernel = kernel;
        NormName = normName;
        Norm = norm;
    }

    public string Name { get; }

    public nn.Module<Tensor, Tensor> Layer { get; }

    public ILayerKernel Kernel { get; }

    public string? NormName { get; }

    public nn.Module<Tensor, Tensor>? Norm { get; }

    public void Install()
    {
        var pre = Layer.register_forward_pre_hook((module, input) =>
        {
            EnsureEval(module, Name);
            var shape = input.shape;
            t_pending = input;
            t_pendingShape = shape;
            return _layerEmpty.For(shape, Kernel.EmptyBatchShape);
        });
        var post = Layer.register_forward_hook((_, _, denseOfNothing) =>
        {
            var input = t_pending ?? throw new InvalidOperationException($"Sparse inference: '{Name}' finished a call its pre-hook did not see.");
            var shape = t_pendingShape!;
            t_pending = null;
            denseOfNothing.Dispose();
            var outputShape = Kernel.OutputShape(shape);
            var output = Kernel.Forward(input, shape, outputShape);
            t_lastOutput = output;
            t_lastOutputShape = outputShape;
            return output;
        });
        _removers.Add(pre.remove);
        _removers.Add(post.remove);
        if (Norm is not null)
        {
            // Folded: the layer's output already is the normalized one; the norm hands it on unchanged
            // (as a new handle to the same storage, so disposing one does not dispose the other).
            var normPre = Norm.register_forward_pre_hook((module, input) =>
            {
                EnsureEval(module, NormName!);
                t_pending = input;
                var shape = ReferenceEquals(input, t_lastOutput) ? t_lastOutputShape! : input.shape;
                return _normEmpty.For(shape, NormEmptyShape);
            });
            var normPost = Norm.register_forward_hook((_, _, denseOfNothing) =>
            {
                var input = t_pending ?? throw new InvalidOperationException($"Sparse inference: '{NormName}' finished a call its pre-hook did not see.");
                t_pending = null;
                denseOfNothing.Dispose();
                t_lastOutput = null;
                return input.alias();
            });
            _removers.Add(normPre.remove);
            _removers.Add(normPost.remove);
        }
    }

    public void Dispose()
    {
        foreach (var remove in _removers)
        {
            remove();
        }

        _removers.Clear();
        _layerEmpty.Dispose();
        _normEmpty.Dispose();
    }

    private static long[] NormEmptyShape(long[] input) => new[] { 0L }.Concat(input.Skip(1)).ToArray();

    private static void EnsureEval(nn.Module module, string name)
    {
        if (module.training)
        {
            throw new InvalidOperationException(
                $"Sparse inference: '{name}' is in training mode. The sparse form serves eval mode only (BatchNorm is folded with its running statistics, and the kernels have no gradients): call eval(), or Dispose() the SparseForward to train the model again.");
        }
    }

    /// <summary>A cached empty batch for the input shape last seen (outside any dispose scope).</summary>
    private sealed class EmptyBatch : IDisposable
    {
        private readonly List<Tensor> _retired = new();
        private Tensor? _tensor;
        private long[] _inputShape = Array.Empty<long>();

        public Tensor For(long[] inputShape, Func<long[], long[]> emptyShape)
        {
            // Locked: forwards on several threads may meet here; a tensor handed out is replaced only for another
            // input shape, and a zero-sample tensor is never read, so an old one in use elsewhere is harmless to
            // keep until the layer is disposed.
            lock (_retired)
            {
                if (_tensor is null || !_inputShape.AsSpan().SequenceEqual(inputShape))
                {
                    if (_tensor is not null)
                    {
                        _retired.Add(_tensor);
                    }

                    _tensor = empty(emptyShape(inputShape), dtype: ScalarType.Float32).DetachFromDisposeScope();
                    _inputShape = inputShape;
                }

                return _tensor;
            }
        }

        public void Dispose()
        {
            lock (_retired)
            {
                _tensor?.Dispose();
                _tensor = null;
                foreach (var tensor in _retired)
                {
                    tensor.Dispose();
                }

                _retired.Clear();
            }
        }
    }
}
