using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dwf.Training;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Training;

/// <summary>
/// A NaN/∞ in factorized training becomes a rollback: the older of two snapshots is restored bit for bit, the
/// momentum is reset, the effective-rate cap halves, and the run goes on; with no rollback left it stops as before.
/// </summary>
public sealed class DivergenceRecoveryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-rollback").FullName;

    [Fact]
    public void Recover_restores_the_older_snapshot_exactly_resets_momentum_and_halves_the_cap()
    {
        var (train, test) = SyntheticTraining.Data(count: 64);
        using (train)
        using (test)
        {
            var model = SyntheticTraining.Model(4);
            var optimizer = Factorization.Find(model)!.CreateSgd(lr: 0.1, momentum: 0.9, effective_lr_cap: 4);
            var images = train.Images.reshape(64, 20);
            void Step()
            {
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(images), train.Labels).backward();
                optimizer.step();
            }

            using var recovery = new DivergenceRecovery(model, optimizer, maxRecoveries: 2, step: 0, snapshotInterval: 2);
            Step();
            recovery.MarkGood(1); // too soon after step 0: no snapshot
            Step();
            recovery.MarkGood(2); // snapshots: step 0 (older), step 2 (newer)
            var atStep2 = Parameters(model);
            Step();
            Step();
            recovery.MarkGood(4); // snapshots: step 2 (older), step 4 (newer)
            Step();
            using (no_grad())
            {
                model.named_parameters().First(p => p.name.EndsWith(".weight", StringComparison.Ordinal)).parameter.fill_(double.NaN);
            }

            var recovered = recovery.Recover(failedAtStep: 5, "test");

            Assert.Equal(new DivergenceRecoveryEvent(5, 2, 4.0, 2.0, 1, "test"), recovered);
            Assert.Equal(2.0, optimizer.EffectiveRateCap);
            foreach (var (name, value) in Parameters(model))
            {
                Assert.True(value.eq(atStep2[name]).all().item<bool>(), $"{name} is not the step-2 snapshot");
            }

            var buffers = optimizer.MomentumBuffers().ToList();
            Assert.Equal(model.parameters().Count() - 2, buffers.Count); // every factor and bias; the two composed weights W are not stepped
            Assert.All(buffers, b => Assert.Equal(0f, b.abs().max().item<float>()));

            // Training goes on from there, and the slots now both hold the restored state.
            Step();
            Assert.True(model.parameters().All(p => p.isfinite().all().item<bool>()));
            Assert.True(recovery.CanRecover);
            var again = recovery.Recover(6, "again");
            Assert.Equal(2, again.RestoredStep); // still the newest state at least 2 steps before: no snapshot was due
            Assert.Equal(1.0, again.Cap);
            Assert.False(recovery.CanRecover);
            var error = Assert.Throws<InvalidOperationException>(() => recovery.Recover(7, "once more"));
            Assert.Contains("2 of 2", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_run_without_a_bound_cannot_be_rolled_back_and_bad_settings_are_refused()
    {
        var model = SyntheticTraining.Model(4);
        var optimizer = Factorization.Find(model)!.CreateSgd(lr: 0.1, effective_lr_cap: double.PositiveInfinity);
        using var recovery = new DivergenceRecovery(model, optimizer, maxRecoveries: 3);
        Assert.False(recovery.CanRecover);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DivergenceRecovery(model, optimizer, maxRecoveries: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DivergenceRecovery(model, optimizer, maxRecoveries: 1, snapshotInterval: 0));
        var options = SyntheticTraining.Options() with { DivergenceRecoveries = -1 };
        var invalid = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, options));
        Assert.Contains("DivergenceRecoveries", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NaN_mid_run_is_rolled_back_and_the_run_finishes_with_the_lowered_cap_in_its_history_and_checkpoint()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            string checkpoint = Path.Combine(_directory, "run.ckpt");
            var model = SyntheticTraining.Model(2);
            var observer = new Recorder();
            var result = new Trainer(model, SyntheticTraining.Options(checkpoint) with { NonFiniteCheckInterval = 1 }, SyntheticTraining.PoisonHeadGradientAt(model, 23)).Fit(train, test, observer);

            var recovery = Assert.Single(observer.Events);
            Assert.Equal(23, recovery.FailedAtStep);
            Assert.Equal(0, recovery.RestoredStep); // the only snapshot before step 100: the start
            Assert.Contains("the gradient of 'head.weight' is not finite", recovery.Cause, StringComparison.Ordinal);
            Assert.Equal(FactorizationDefaults.EffectiveRateCap / 2, recovery.Cap);
            Assert.Equal(new[] { 0, 1, 1, 1 }, result.History.Select(h => h.Recoveries));
            Assert.All(result.History.Skip(1), h => Assert.Equal(FactorizationDefaults.EffectiveRateCap / 2, h.EffectiveRateCap));
            Assert.True(result.Final.TestAccuracy > 0.6, $"accuracy {result.Final.TestAccuracy} after the rollback");

            var fresh = SyntheticTraining.Model(9);
            var progress = TrainingCheckpoint.Load(checkpoint, fresh, Factorization.Find(fresh)!.CreateSgd(lr: 0.1, momentum: 0.9));
            Assert.Equal(1, progress.Recoveries);
            Assert.Equal(FactorizationDefaults.EffectiveRateCap / 2, progress.EffectiveRateCap);
        }
    }

    [Fact]
    public void A_run_that_keeps_diverging_stops_after_its_rollbacks_saying_so()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            var model = SyntheticTraining.Model(2);
            var observer = new Recorder();
            var options = SyntheticTraining.Options() with { NonFiniteCheckInterval = 1, DivergenceRecoveries = 2 };
            var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, options, SyntheticTraining.PoisonHeadGradientAt(model, 23, 30, 40)).Fit(train, test, observer));

            Assert.Equal(new long[] { 23, 30 }, observer.Events.Select(e => e.FailedAtStep));
            Assert.Equal(new[] { 2.5, 1.25 }, observer.Events.Select(e => e.Cap));
            Assert.Equal(40, error.Step);
            Assert.Contains("rolled back 2 time(s) already", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_run_interrupted_after_a_rollback_resumes_with_the_lowered_cap_and_ends_with_the_same_weights()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            var options = SyntheticTraining.Options() with { NonFiniteCheckInterval = 1 };
            var reference = SyntheticTraining.Model(5);
            var expected = new Trainer(reference, options, SyntheticTraining.PoisonHeadGradientAt(reference, 23)).Fit(train, test);

            // Interrupted in epoch 3 (after the rollback at step 23), then resumed by a fresh model without the poison.
            string checkpoint = Path.Combine(_directory, "resume.ckpt");
            var interrupted = SyntheticTraining.Model(5);
            using var cancellation = new System.Threading.CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => new Trainer(interrupted, options with { CheckpointPath = checkpoint }, SyntheticTraining.PoisonHeadGradientAt(interrupted, 23)).Fit(train, test, new SyntheticTraining.CancelAt(3, 4, cancellation), cancellation.Token));
            var resumed = SyntheticTraining.Model(77);
            var trainer = new Trainer(resumed, options with { CheckpointPath = checkpoint, Resume = true });
            var result = trainer.Fit(train, test);

            Assert.Equal(FactorizationDefaults.EffectiveRateCap / 2, ((FactorizedSgd)trainer.Optimizer!).EffectiveRateCap);
            Assert.Equal(1, result.Final.Recoveries);
            Assert.Equal(expected.History.Select(h => h.TestAccuracy), result.History.Select(h => h.TestAccuracy));
            SyntheticTraining.AssertSameParameters(reference, resumed);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Dictionary<string, Tensor> Parameters(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    private sealed class Recorder : ITrainingObserver
    {
        public List<DivergenceRecoveryEvent> Events { get; } = new();

        public void OnDivergenceRecovered(DivergenceRecoveryEvent recovery) => Events.Add(recovery);
    }
}
