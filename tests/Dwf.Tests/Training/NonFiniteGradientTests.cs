using System;
using System.IO;
using System.Linq;
using Dwf.Training;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Training;

/// <summary>
/// A NaN that appears in one layer's gradient (not in the loss) stops training with an error naming the step
/// and that layer, and leaves the last good checkpoint as it was.
/// </summary>
public sealed class NonFiniteGradientTests : IDisposable
{
    /// <summary>Epoch 2, batch 5: after the first epoch's checkpoint (19 steps per epoch).</summary>
    private const int PoisonedStep = 23;

    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-nan-gradient").FullName;

    [Theory]
    // Checked every step: the gradient itself is caught, at the step that produced it.
    [InlineData(1, PoisonedStep, "the gradient of 'head.weight' is not finite")]
    // Checked every 25 steps (the default): the poisoned update reaches the weights and the next step's loss is
    // NaN; the error still names the layer, from the first non-finite weight.
    [InlineData(25, PoisonedStep + 1, "the first non-finite weight is 'head.weight'")]
    public void A_NaN_gradient_stops_training_naming_the_step_and_the_layer_and_the_checkpoint_survives(int checkInterval, long expectedStep, string expectedCause)
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            string checkpoint = Path.Combine(_directory, "run.ckpt");
            var model = SyntheticTraining.Model(2);

            // A hook that poisons head.weight's gradient once: d/dW of (sum(W) * NaN) is NaN, and the loss stays finite.
            var hooks = SyntheticTraining.PoisonHeadGradientAt(model, PoisonedStep);
            var observer = new CheckpointCopier(checkpoint);
            // No rollback (DivergenceRecoveryTests has those): this is the guard that stops a run.
            var options = SyntheticTraining.Options(checkpoint) with { NonFiniteCheckInterval = checkInterval, DivergenceRecoveries = 0 };

            var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, options, hooks).Fit(train, test, observer));

            Assert.Equal(2, error.Epoch);
            Assert.Equal(expectedStep, error.Step);
            Assert.Equal("head.weight", error.Parameter);
            Assert.Contains($"epoch 2, step {expectedStep} ", error.Message, StringComparison.Ordinal);
            Assert.Contains(expectedCause, error.Message, StringComparison.Ordinal);
            Assert.Contains("The last good checkpoint (1 epochs) is intact", error.Message, StringComparison.Ordinal);
            Assert.Equal(observer.LastCheckpoint, File.ReadAllBytes(checkpoint));
            Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Keeps the bytes of the checkpoint as written, to compare with what is on disk after the failure.</summary>
    private sealed class CheckpointCopier(string path) : ITrainingObserver
    {
        public byte[]? LastCheckpoint { get; private set; }

        public void OnCheckpoint(string checkpointPath, int epoch, long batchesDone) => LastCheckpoint = File.ReadAllBytes(path);
    }
}
