using System.Linq;
using Dwf.Data;
using Dwf.Tests.Support;
using Dwf.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Training;

/// <summary>
/// The small training run the trainer tests share (and the child process of <see cref="KilledProcessResumeTests"/>
/// repeats): a learnable synthetic task, a factorized two-layer MLP, 4 epochs of 19 steps.
/// </summary>
internal static class SyntheticTraining
{
    /// <summary>A learnable synthetic task: the label is the argmax of a fixed linear map of the image.</summary>
    public static (ImageClassificationDataset Train, ImageClassificationDataset Test) Data(int count = 600)
    {
        using var generator = new Generator(5);
        var map = randn(new long[] { 20, 5 }, generator: generator);
        ImageClassificationDataset Make(int n)
        {
            var images = randn(new long[] { n, 1, 4, 5 }, generator: generator);
            var labels = images.reshape(n, 20).matmul(map).argmax(1);
            return new ImageClassificationDataset("synthetic", images, labels, 5);
        }

        return (Make(count), Make(200));
    }

    /// <summary>The model (fc1 20→16, head 16→5), factorized at depth 3, initialized from <paramref name="seed"/>.</summary>
    public static TwoLayerMlp Model(int seed, int hidden = 16, int depth = 3)
    {
        manual_seed(seed);
        var model = new TwoLayerMlp(inputs: 20, hidden: hidden, outputs: 5);
        Factorized.Attach(model, depth, lambda: 1e-3);
        return model;
    }

    public static TrainingOptions Options(string? checkpoint = null, bool resume = false) => new()
    {
        Epochs = 4,
        BatchSize = 32,
        LearningRate = 0.1,
        Flatten = true,
        Seed = 3,
        CheckpointPath = checkpoint,
        Resume = resume,
    };

    /// <summary>Every parameter of <paramref name="actual"/> equals the same-named one of <paramref name="expected"/>, bit for bit.</summary>
    public static void AssertSameParameters(nn.Module expected, nn.Module actual)
    {
        var expectedParameters = expected.named_parameters().ToList();
        var actualParameters = actual.named_parameters().ToList();
        Assert.Equal(expectedParameters.Select(p => p.name), actualParameters.Select(p => p.name));
        foreach (var ((name, a), (_, b)) in expectedParameters.Zip(actualParameters))
        {
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs");
        }
    }

    /// <summary>
    /// Poisons head.weight's gradient (d/dW of sum(W)·NaN) at the given global steps of a run started from scratch
    /// (the regularizer is called once per batch, rolled-back ones included); the loss stays finite.
    /// </summary>
    public static TrainingHooks PoisonHeadGradientAt(nn.Module model, params long[] steps)
    {
        var head = model.named_parameters().Single(p => p.name == "head.weight").parameter;
        long step = 0;
        return new TrainingHooks
        {
            Regularizer = () => steps.Contains(step++) ? head.sum().mul(double.NaN) : tensor(0f),
        };
    }

    /// <summary>Cancels <paramref name="source"/> after the given batch of the given epoch (a checkpoint is written on cancellation).</summary>
    public sealed class CancelAt(int epoch, int batch, System.Threading.CancellationTokenSource source) : ITrainingObserver
    {
        public void OnBatch(int currentEpoch, long currentBatch, long batches, double loss)
        {
            if (currentEpoch == epoch && currentBatch == batch)
            {
                source.Cancel();
            }
        }
    }
}
