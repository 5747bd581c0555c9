using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>
/// BatchNorm's running statistics, re-estimated for the weights a model has now. They are an exponential average
/// over the last ~10 training batches (momentum 0.1), so while sparse training changes a layer's filters quickly
/// they describe weights the model no longer has, and the model evaluated in eval mode falls behind the model that
/// trains (docs/normalization.md). Re-estimating them from a few batches before evaluating, as pruning libraries do
/// after every pruning step, changes nothing in training (train mode uses each batch's own statistics).
/// </summary>
public static class NormalizationStatistics
{
    /// <summary>The normalization layers of <paramref name="model"/> that keep running statistics (BatchNorm1d/2d/3d, InstanceNorm with tracking).</summary>
    public static IReadOnlyList<NormBase> TrackingLayers(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.modules().OfType<NormBase>().Where(n => n.running_mean is not null && n.running_var is not null).ToList();
    }

    /// <summary>
    /// Replaces the running mean and variance of every tracking normalization layer with their plain average over
    /// <paramref name="inputs"/> (PyTorch's cumulative average, momentum <c>null</c>), computed in train mode without
    /// gradients; the layers' momentum, the model's mode and every other parameter and buffer are left as they were.
    /// </summary>
    /// <param name="model">The model; nothing happens when it has no such layer.</param>
    /// <param name="inputs">A few training batches (inputs only, on the model's device); 20 batches of 128 are plenty.</param>
    /// <returns>The number of batches used (0 when the model has no tracking normalization layer).</returns>
    public static int Recalibrate(nn.Module<Tensor, Tensor> model, IEnumerable<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var layers = TrackingLayers(model);
        if (layers.Count == 0)
        {
            return 0;
        }

        var momenta = layers.Select(l => l.momentum).ToList();
        bool wasTraining = model.training;
        int used = 0;
        try
        {
            using var noGrad = no_grad();
            foreach (var layer in layers)
            {
                layer.reset_running_stats();
                layer.momentum = null;
            }

            model.train();
            foreach (var input in inputs)
            {
                using var scope = NewDisposeScope();
                model.call(input);
                used++;
            }
        }
        finally
        {
            for (int i = 0; i < layers.Count; i++)
            {
                layers[i].momentum = momenta[i];
            }

            model.train(wasTraining);
        }

        return used;
    }
}
