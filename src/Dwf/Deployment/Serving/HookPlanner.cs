using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Builds the hooks path of <see cref="SparseForward"/>: traces the model's forward on a probe input, decides for
/// every weight layer whether a sparse kernel serves it (and which BatchNorm it absorbs), refuses what cannot be
/// served, installs the hooks and checks the result.
/// </summary>
internal static class HookPlanner
{
    public static SparseForward Build(
        nn.Module<Tensor, Tensor> model, long[] inputShape, SparseForwardOptions options,
        Func<IReadOnlyList<ServedLayer>, IReadOnlyList<SparseLayerInfo>, SparseForward> create)
    {
        string modelName = model.GetType().Name;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var probe = Probe.Input(inputShape, options);
        var (calls, reference) = ForwardTrace.Record(model, probe);
        var weightLayers = model.named_modules().Where(m => LayerKernels.IsWeightLayer(m.module)).ToList();
        var unseen = weightLayers.Where(l => !calls.Any(c => ReferenceEquals(c.Module, l.module))).ToList();
        var bypassing = ComputingLayers(model, probe, reference, unseen, options);

        var served = new List<ServedLayer>();
        var layers = new List<SparseLayerInfo>();
        var refusals = new List<string>();
        foreach (var (name, module) in weightLayers)
        {
            long nonZero = SparseForward.Weight(module) is { } weight ? SparseForward.CountNonZero(weight) : 0;
            var layerCalls = calls.Where(c => ReferenceEquals(c.Module, module)).ToList();
            string? refusal = layerCalls.Count > 0 ? LayerKernels.Unsupported(module)
                : bypassing.Contains(name) ? $"called with forward(), which skips TorchSharp's hooks: write {Leaf(name)}.call(x) (analyzer DWF017)"
                : null;
            if (refusal is not null)
            {
                refusals.Add($"'{name}' ({module.GetType().Name}): {refusal}");
                layers.Add(SparseForward.Info(name, module, SparseLayerStatus.Dense, nonZero, null, refusal));
                continue;
            }

            if (layerCalls.Count == 0)
            {
                layers.Add(SparseForward.Info(name, module, SparseLayerStatus.Unused, nonZero, null, "not called by the forward on the probe input"));
                continue;
            }

            var norm = options.FoldBatchNorm ? FoldableNorm(calls, layerCalls, module) : null;
            var kernel = LayerKernels.Create(module, norm?.Module as BatchNorm);
            served.Add(new ServedLayer(name, (nn.Module<Tensor, Tensor>)module, kernel, norm?.Name, norm?.Module));
            layers.Add(SparseForward.Info(name, module, SparseLayerStatus.Sparse, kernel.NonZeroWeights, norm?.Name, null));
        }

        if (refusals.Count > 0 && !options.AllowDenseLayers)
        {
            throw new InvalidOperationException(
                $"{modelName} cannot be served sparsely as it is: {string.Join("; ", refusals)}. " +
                "Fix the call sites or layers named, or set SparseForwardOptions.AllowDenseLayers = true to run those layers dense (SparseForward.Layers lists them).");
        }

        var result = create(served, layers);
        result.Install();
        double difference = Probe.RelativeDifference(reference, model.call(probe));
        if (!(difference <= options.Tolerance) && served.Any(s => s.Norm is not null))
        {
            // A folded BatchNorm's input was also read elsewhere (the trace sees modules, not the operations
            // between them): serve without folding, where the norms run as written.
            result.Dispose();
            return Build(model, inputShape, options with { FoldBatchNorm = false }, create);
        }

        if (!(difference <= options.Tolerance))
        {
            result.Dispose();
            throw new InvalidOperationException(
                $"The sparse form of {modelName} does not compute its dense eval-mode forward: on a probe input the outputs differ by {Compaction.Format(difference)} of the largest output (tolerance {options.Tolerance}). " +
                "This is a bug of the sparse kernels unless the model's forward depends on something besides its input (state, randomness in eval mode).");
        }

        var hidden = ComputingLayers(model, probe, reference, served.Select(s => (s.Name, (nn.Module)s.Layer)).ToList(), options);
        if (hidden.Count > 0)
        {
            result.Dispose();
            throw new InvalidOperationException(
                $"{modelName} still computes densely with {string.Join(", ", hidden.Select(h => $"'{h}'"))}: besides call(), the forward also invokes it with forward(), which skips TorchSharp's hooks. Write layer.call(x) everywhere (analyzer DWF017).");
        }

        return result;
    }

    // The BatchNorm that reads exactly the tensor the layer returned, called once like the layer itself.
    private static (string Name, nn.Module<Tensor, Tensor> Module)? FoldableNorm(IReadOnlyList<TracedCall> calls, IReadOnlyList<TracedCall> layerCalls, nn.Module layer)
    {
        if (layerCalls.Count != 1)
        {
            return null;
        }

        int index = 0;
        while (!ReferenceEquals(calls[index], layerCalls[0]))
        {
            index++;
        }

        if (index + 1 >= calls.Count)
        {
            return null;
        }

        var next = calls[index + 1];
        long channels = layer is Linear linear ? linear.out_features : ((Convolution)layer).out_channels;
        bool foldable = ReferenceEquals(next.Input, layerCalls[0].Output)
            && calls.Count(c => ReferenceEquals(c.Module, next.Module)) == 1
            && LayerKernels.CanFold(layer, next.Module, channels)
            && (layer is not Linear || next.Input.dim() == 2);
        return foldable ? (next.Name, next.Module) : null;
    }

    /// <summary>
    /// The layers among <paramref name="layers"/> whose own dense weights the forward still uses: with their
    /// weights set to NaN, the output on the probe changes. One run for all; one per layer only when that fails.
    /// </summary>
    private static HashSet<string> ComputingLayers(nn.Module<Tensor, Tensor> model, Tensor probe, Tensor reference, IReadOnlyList<(string Name, nn.Module Module)> layers, SparseForwardOptions options)
    {
        var result = new HashSet<string>();
        if (layers.Count == 0 || !Changes(model, probe, reference, layers.Select(l => l.Module), options))
        {
            return result;
        }

        foreach (var (name, module) in layers)
        {
            if (Changes(model, probe, reference, new[] { module }, options))
            {
                result.Add(name);
            }
        }

        return result;
    }

    private static bool Changes(nn.Module<Tensor, Tensor> model, Tensor probe, Tensor reference, IEnumerable<nn.Module> poisoned, SparseForwardOptions options)
    {
        var weights = poisoned.Select(SparseForward.Weight).OfType<Tensor>().ToList();
        var saved = weights.Select(w => w.detach().clone()).ToList();
        try
        {
            using var nan = double.NaN.ToScalar();
            foreach (var weight in weights)
            {
                weight.detach().fill_(nan);
            }

            return !(Probe.RelativeDifference(reference, model.call(probe)) <= options.Tolerance);
        }
        finally
        {
            for (int i = 0; i < weights.Count; i++)
            {
                weights[i].detach().copy_(saved[i]);
            }
        }
    }

    private static string Leaf(string name) => name[(name.LastIndexOf('.') + 1)..];
}
