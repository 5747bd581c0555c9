using System;
using Dwf.Data;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>Test loss and accuracy of a classifier, in eval mode and without gradients.</summary>
public static class Evaluation
{
    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> on <paramref name="data"/>.</summary>
    /// <param name="model">The classifier; it is put in eval mode and restored afterwards.</param>
    /// <param name="data">The test set, on any device.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="flatten">Feed images as [B, C·H·W] (for MLPs).</param>
    /// <param name="device">Where the batches go; <c>null</c>: the device of the model's parameters.</param>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, ImageClassificationDataset data, int batchSize = 1000, bool flatten = false, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        device ??= Devices.Of(model);
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        long correct = 0;
        try
        {
            using var noGrad = no_grad();
            using var loader = data.Batches(batchSize, shuffle: false, flatten: flatten, device: device);
            foreach (var (images, labels) in loader.Epoch(0))
            {
                using var scope = NewDisposeScope();
                scope.Attach(images, labels);
                var logits = model.call(images);
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).to(float64).item<double>();
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return (lossSum / data.Count, (double)correct / data.Count);
    }
}
