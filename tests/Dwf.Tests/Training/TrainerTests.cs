using System;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Data;
using Dwf.Tests.Support;
using Dwf.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Training;

public sealed class TrainerTests
{
    private static (ImageClassificationDataset Train, ImageClassificationDataset Test) SyntheticData() => SyntheticTraining.Data();

    private static TwoLayerMlp Model(int seed) => SyntheticTraining.Model(seed);

    private static TrainingOptions Options(string? checkpoint = null, bool resume = false) => SyntheticTraining.Options(checkpoint, resume);

    [Fact]
    public void TrainingLowersTheLossAndReportsEveryEpoch()
    {
        var (train, test) = SyntheticData();
        using (train)
        using (test)
        {
            var result = new Trainer(Model(1), Options()).Fit(train, test);
            Assert.Equal(4, result.History.Count);
            Assert.True(result.History[^1].TrainLoss < 0.7 * result.History[0].TrainLoss);
            Assert.True(result.Final.TestAccuracy > 0.6, $"accuracy {result.Final.TestAccuracy}");
        }
    }

    [Fact]
    public void InterruptedAndResumedRunEndsWithTheSameWeightsAndMetrics()
    {
        var (train, test) = SyntheticData();
        string directory = Directory.CreateTempSubdirectory("dwf-resume").FullName;
        try
        {
            using (train)
            using (test)
            {
                var reference = Model(7);
                var expected = new Trainer(reference, Options()).Fit(train, test);

                // Cancel in the middle of the second epoch (a checkpoint is written on cancellation).
                string checkpoint = Path.Combine(directory, "run.ckpt");
                var interrupted = Model(7);
                using var cancellation = new CancellationTokenSource();
                var observer = new SyntheticTraining.CancelAt(epoch: 2, batch: 7, cancellation);
                Assert.Throws<OperationCanceledException>(() => new Trainer(interrupted, Options(checkpoint)).Fit(train, test, observer, cancellation.Token));
                Assert.True(File.Exists(checkpoint));
                Assert.Empty(Directory.GetFiles(directory, "*.tmp"));

                // A fresh process would build a fresh model with another seed; the checkpoint restores everything.
                var resumed = Model(12345);
                var result = new Trainer(resumed, Options(checkpoint, resume: true)).Fit(train, test);

                Assert.Equal(expected.History.Select(h => h.TestAccuracy), result.History.Select(h => h.TestAccuracy));
                Assert.Equal(expected.History.Select(h => h.TrainLoss), result.History.Select(h => h.TrainLoss), new ToleranceComparer(1e-12));
                foreach (var ((name, a), (_, b)) in reference.named_parameters().Zip(resumed.named_parameters()))
                {
                    Assert.True(a.eq(b).all().item<bool>(), $"{name} differs after resume");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AnAbsurdLearningRateStopsWithAnErrorNamingTheStepAndKeepsTheLastCheckpoint()
    {
        var (train, test) = SyntheticData();
        string directory = Directory.CreateTempSubdirectory("dwf-nan").FullName;
        try
        {
            using (train)
            using (test)
            {
                string checkpoint = Path.Combine(directory, "run.ckpt");
                new Trainer(Model(2), Options(checkpoint) with { Epochs = 1 }).Fit(train, test);
                byte[] good = File.ReadAllBytes(checkpoint);

                // Without rollbacks (DivergenceRecoveryTests has those): the guard itself.
                var options = Options(checkpoint, resume: true) with { Epochs = 3, LearningRate = 1e12, DivergenceRecoveries = 0 };
                var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(Model(2), options).Fit(train, test));
                Assert.Equal(2, error.Epoch);
                Assert.Contains("epoch 2, step", error.Message, StringComparison.Ordinal);
                // The cause, and where: a non-finite loss with the first broken weight, or the gradient or weight itself.
                Assert.Matches(@"the loss is (NaN|-?Infinity); (the first non-finite weight is '[^']+'|every weight is finite)|the (gradient of|weight) '[^']+' is not finite", error.Message);
                Assert.Contains("intact", error.Message, StringComparison.Ordinal);
                Assert.Equal(good, File.ReadAllBytes(checkpoint));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class ToleranceComparer(double tolerance) : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
