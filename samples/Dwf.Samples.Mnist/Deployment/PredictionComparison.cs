using System;
using Dwf.Data;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Deployment;

/// <summary>How far two models' outputs on a dataset are apart.</summary>
/// <param name="Samples">Images compared.</param>
/// <param name="DifferentPredictions">Images whose predicted class differs.</param>
/// <param name="MaxLogitDifference">Largest |logit difference| over all images and classes.</param>
internal sealed record PredictionComparison(long Samples, long DifferentPredictions, double MaxLogitDifference)
{
    /// <summary>Runs both models (on the same device) on <paramref name="data"/> in eval mode and compares their logits.</summary>
    public static PredictionComparison Compare(nn.Module<Tensor, Tensor> first, nn.Module<Tensor, Tensor> second, ImageClassificationDataset data, bool flatten)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(data);
        first.eval();
        second.eval();
        long different = 0;
        double maxDifference = 0;
        using var noGrad = no_grad();
        using var loader = data.Batches(1000, shuffle: false, flatten: flatten, device: Devices.Of(first));
        foreach (var (images, labels) in loader.Epoch(0))
        {
            using var scope = NewDisposeScope();
            scope.Attach(images, labels);
            var a = first.call(images);
            var b = second.call(images);
            different += a.argmax(1).ne(b.argmax(1)).sum().item<long>();
            maxDifference = Math.Max(maxDifference, a.sub(b).abs().max().to(float64).item<double>());
        }

        return new PredictionComparison(data.Count, different, maxDifference);
    }
}
