using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Data;
using Dwf.Tests.Support;
using Dwf.Tests.Training;
using Dwf.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Control;

/// <summary>
/// The compression controller: a target is reached in one run, with a plain loop and TorchSharp's own scheduler as
/// well as with the Trainer; the λ path is a function of the seed and survives a checkpoint; bad targets are refused.
/// </summary>
public sealed class CompressionControllerTests
{
    // 400 inputs, as real layers have hundreds: the initial weights are then of the size they have in LeNet-300-100
    // (σ ≈ 0.03), which sets how long a dying weight takes to reach zero. λ is large because the run is short:
    // about a thousand steps must shrink a dying weight by many factors of e.
    private static TwoLayerMlp Model(int seed, double lambda = 1e-2)
    {
        manual_seed(seed);
        var model = new TwoLayerMlp(inputs: Features, hidden: 64, outputs: 5);
        Factorized.Attach(model, depth: 3, lambda);
        return model;
    }

    private const int Features = 400;

    /// <summary>A learnable task with 20×20 images: the label is the argmax of a fixed linear map of the image.</summary>
    private static (ImageClassificationDataset Train, ImageClassificationDataset Test) Data()
    {
        using var generator = new Generator(8);
        var map = randn(new long[] { Features, 5 }, generator: generator);
        ImageClassificationDataset Make(int n)
        {
            var images = randn(new long[] { n, 1, 20, 20 }, generator: generator);
            var labels = images.reshape(n, Features).matmul(map).argmax(1);
            return new ImageClassificationDataset("synthetic 20×20", images, labels, 5);
        }

        return (Make(1200), Make(300));
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(30.0)]
    public void A_plain_loop_with_TorchSharps_cosine_scheduler_ends_within_ten_percent_of_the_target(double target)
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            var model = Model(seed: 4);
            var factorization = Factorization.Find(model)!;
            var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
            const int Epochs = 30;
            using var loader = train.Batches(32, shuffle: true, seed: 4, dropLast: false, flatten: true);
            long total = loader.BatchesPerEpoch * Epochs;
            var scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, total);
            var controller = factorization.CreateCompressionController(optimizer, total, target);
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                foreach (var (images, labels) in loader.Epoch(epoch))
                {
                    using var scope = NewDisposeScope();
                    scope.Attach(images, labels);
                    optimizer.zero_grad();
                    nn.functional.cross_entropy(model.call(images), labels).backward();
                    optimizer.step();
                    scheduler.step();
                    controller.step();
                }
            }

            var collapsed = factorization.Collapse();
            Assert.Equal(total, controller.Steps);
            Assert.InRange(collapsed.CompressionRatio, target / 1.1, target * 1.1);
            Assert.Equal(collapsed.CompressionRatio, controller.LastCompression, 6);
            Assert.NotEqual(FactorizationDefaults.Lambda, controller.Lambda); // it did steer
        }
    }

    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.9, 0.0, false)]
    [InlineData(0.9, 0.5, false)]
    [InlineData(0.5, 0.3, false)]
    [InlineData(0.9, 0.0, true)]
    public void The_shrinkage_the_controller_plans_with_is_what_the_optimizer_does_to_a_dying_weight(double momentum, double dampening, bool nesterov)
    {
        // Only the penalty acts (the data gradient is zero): every |W| then shrinks geometrically, at the rate the
        // controller's projection assumes, once momentum's buffer has reached its steady state.
        var model = Model(seed: 5);
        var factorization = Factorization.Find(model)!;
        // Small steps: the controller's rate is first order in lr·λ (the discrete decay is 1 − x per factor, not e^−x).
        var optimizer = factorization.CreateSgd(lr: 0.01, momentum: momentum, nesterov: nesterov, dampening: dampening);
        var controller = factorization.CreateCompressionController(optimizer, total_steps: 1000, target_compression: 20);
        using var input = randn(8, Features);
        double LogMagnitude()
        {
            using var scope = NewDisposeScope();
            return factorization.Weights.Sum(w => w.Product().to(float64).abs().log().sum().item<double>());
        }

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            (model.call(input) * 0).sum().backward();
            optimizer.step();
        }

        for (int i = 0; i < 200; i++)
        {
            Step();
        }

        const int Steps = 100;
        double before = LogMagnitude();
        for (int i = 0; i < Steps; i++)
        {
            Step();
        }

        long weights = factorization.Weights.Sum(w => w.Count);
        double measured = (before - LogMagnitude()) / Steps / weights;
        double factorRate = ((Core.IFactorizedOptimizer)optimizer).FactorGroupRates().Single().LearningRate; // the depth multiplier applied
        double planned = controller.ShrinkPerStep(controller.Lambda, factorRate);
        Assert.True(measured > 0, "the penalty did not shrink the weights");
        Assert.True(Math.Abs(measured - planned) <= 0.02 * planned, $"measured ln-shrinkage {measured:G6} per step, the controller plans with {planned:G6}");
    }

    [Fact]
    public void The_trainer_takes_the_target_from_the_options_and_reports_it_every_epoch()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            var model = Model(seed: 5);
            var result = new Trainer(model, Options(target: 20)).Fit(train, test);
            Assert.All(result.History, m => Assert.Equal(20.0, m.TargetCompression));
            Assert.All(result.History, m => Assert.NotNull(m.ProjectedCompression));
            Assert.All(result.History, m => Assert.Equal(MaskScore.Magnitude, m.MaskScore)); // no BatchNorm: the automatic choice
            Assert.True(result.History.Select(m => m.Lambda).Distinct().Count() > 1, "λ never changed");
            Assert.InRange(result.Final.CompressionRatio, 20 / 1.1, 20 * 1.1);
        }
    }

    [Theory]
    [InlineData(9)]  // while λ is steered
    [InlineData(25)] // after the mask was fixed (epoch 18 of 30): the mask is rebuilt from the weights' exact zeros
    public void The_lambda_path_is_a_function_of_the_seed_and_identical_after_a_checkpoint_and_resume(int cancelEpoch)
    {
        var (train, test) = Data();
        string directory = Directory.CreateTempSubdirectory("dwf-target-resume").FullName;
        try
        {
            using (train)
            using (test)
            {
                var reference = Model(seed: 6);
                var referenceLambdas = new LambdaRecorder(Factorization.Find(reference)!);
                var expected = new Trainer(reference, Options(target: 20)).Fit(train, test, referenceLambdas);

                var again = Model(seed: 6);
                var againLambdas = new LambdaRecorder(Factorization.Find(again)!);
                new Trainer(again, Options(target: 20)).Fit(train, test, againLambdas);
                Assert.Equal(referenceLambdas.Path, againLambdas.Path);

                // Interrupted in the middle of an epoch, resumed in a fresh model built from another seed.
                string checkpoint = Path.Combine(directory, "run.ckpt");
                var interrupted = Model(seed: 6);
                var interruptedLambdas = new LambdaRecorder(Factorization.Find(interrupted)!);
                using var cancellation = new CancellationTokenSource();
                interruptedLambdas.CancelAt(epoch: cancelEpoch, batch: 17, cancellation);
                Assert.Throws<OperationCanceledException>(() => new Trainer(interrupted, Options(target: 20, checkpoint)).Fit(train, test, interruptedLambdas, cancellation.Token));

                var resumed = Model(seed: 999);
                var resumedLambdas = new LambdaRecorder(Factorization.Find(resumed)!);
                var result = new Trainer(resumed, Options(target: 20, checkpoint, resume: true)).Fit(train, test, resumedLambdas);

                Assert.Equal(referenceLambdas.Path, interruptedLambdas.Path.Concat(resumedLambdas.Path));
                Assert.Equal(expected.History.Select(m => m.Lambda), result.History.Select(m => m.Lambda));
                SyntheticTraining.AssertSameParameters(reference, resumed);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_checkpoint_is_resumed_only_in_its_own_lambda_mode_and_a_refused_one_leaves_the_model_as_it_was()
    {
        var (train, test) = Data();
        string directory = Directory.CreateTempSubdirectory("dwf-target-mismatch").FullName;
        try
        {
            using (train)
            using (test)
            {
                string fixedLambda = Path.Combine(directory, "fixed.ckpt");
                new Trainer(Model(seed: 1), Options(target: null, fixedLambda) with { Epochs = 1 }).Fit(train, test);
                string steered = Path.Combine(directory, "steered.ckpt");
                new Trainer(Model(seed: 1), Options(target: 20, steered) with { Epochs = 1 }).Fit(train, test);

                // Each refusal happens before anything is loaded: the fresh model keeps its own initialization.
                var untouched = Model(seed: 2);
                var reference = Model(seed: 2);
                var error = Assert.Throws<InvalidOperationException>(() => new Trainer(untouched, Options(target: 20, fixedLambda, resume: true) with { Epochs = 1 }).Fit(train, test));
                Assert.Contains("fixed λ", error.Message, StringComparison.Ordinal);
                error = Assert.Throws<InvalidOperationException>(() => new Trainer(untouched, Options(target: null, steered, resume: true) with { Epochs = 1 }).Fit(train, test));
                Assert.Contains("steered λ to CR 20", error.Message, StringComparison.Ordinal);
                var otherTarget = Assert.Throws<ArgumentException>(() => new Trainer(untouched, Options(target: 50, steered, resume: true) with { Epochs = 1 }).Fit(train, test));
                Assert.Contains("Resume with the same options", otherTarget.Message, StringComparison.Ordinal);
                SyntheticTraining.AssertSameParameters(reference, untouched);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(-10.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Targets_that_are_not_finite_and_above_1_are_refused_everywhere(double target)
    {
        var model = Model(seed: 1);
        var factorization = Factorization.Find(model)!;
        var optimizer = factorization.CreateSgd(lr: 0.1);

        var direct = Assert.Throws<ArgumentOutOfRangeException>(() => new CompressionController(optimizer, target, 100));
        Assert.Contains("> 1", direct.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => factorization.CreateCompressionController(optimizer, 100, target));
        var options = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, new TrainingOptions { TargetCompression = target }));
        Assert.Contains("TrainingOptions.TargetCompression", options.Message, StringComparison.Ordinal);
        var plan = Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationPlan(new FactorizationOptions { TargetCompression = target }, "Net"));
        Assert.Contains("Net: TargetCompression must be finite and > 1", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misuse_gets_an_error_that_names_the_fix()
    {
        var model = Model(seed: 1);
        var factorization = Factorization.Find(model)!;
        var plainSgd = optim.SGD(model.parameters(), 0.1);
        Assert.Contains("CreateSgd or CreateAdamW", Assert.Throws<ArgumentException>(() => new CompressionController(plainSgd, 100, 10)).Message, StringComparison.Ordinal);
        Assert.Contains("pass target_compression", Assert.Throws<ArgumentException>(() => factorization.CreateCompressionController(factorization.CreateSgd(0.1), 10)).Message, StringComparison.Ordinal);
        Assert.Contains("at least one step", Assert.Throws<ArgumentOutOfRangeException>(() => new CompressionController(factorization.CreateSgd(0.1), 100, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new FactorizationPlan(new FactorizationOptions { Lambda = 1e-3, TargetCompression = 100 }, "Net")).Message, StringComparison.Ordinal);
        Assert.Contains("whole model", Assert.Throws<ArgumentException>(() => new FactorizationPlan(null, "Net").Field("fc1", new FactorizationOptions { TargetCompression = 100 })).Message, StringComparison.Ordinal);

        var plain = new TwoLayerMlp();
        Assert.Contains("needs a factorized model", Assert.Throws<ArgumentException>(() => new Trainer(plain, new TrainingOptions { TargetCompression = 100 })).Message, StringComparison.Ordinal);

        var controller = new CompressionController(factorization.CreateSgd(0.1), 100, total_steps: 2);
        controller.step();
        controller.step();
        Assert.Contains("total number of steps", Assert.Throws<InvalidOperationException>(controller.step).Message, StringComparison.Ordinal);
        var other = new CompressionController(factorization.CreateSgd(0.1), 50, total_steps: 2);
        Assert.Contains("Resume with the same options", Assert.Throws<ArgumentException>(() => other.load_state_dict(controller.state_dict())).Message, StringComparison.Ordinal);

        // The paper's protocol (no mask phase) and the default two phases cannot continue each other.
        var paperProtocol = new CompressionController(factorization.CreateSgd(0.1), 100, total_steps: 2, new CompressionControllerOptions { FineTuneFraction = 0 });
        var twoPhases = new CompressionController(factorization.CreateSgd(0.1), 100, total_steps: 2);
        Assert.Contains("FineTuneFraction = 0", Assert.Throws<ArgumentException>(() => twoPhases.load_state_dict(paperProtocol.state_dict())).Message, StringComparison.Ordinal);
        twoPhases.load_state_dict(paperProtocol.state_dict() with { FineTuneFraction = null }); // a state saved before the fraction was recorded
    }

    [Fact]
    public void The_cosine_shape_integrates_in_closed_form_what_the_general_rule_integrates_numerically()
    {
        var numeric = LearningRateShape.Custom("cosine by hand", x => 0.5 * (1 + Math.Cos(Math.PI * x)));
        foreach (double x in new[] { 0.0, 0.1, 0.37, 0.5, 0.8, 0.99, 0.9999, 1.0 })
        {
            double exact = LearningRateShape.Cosine.RemainingIntegral(x);
            Assert.True(Math.Abs(exact - numeric.RemainingIntegral(x)) <= 1e-6, $"x = {x}: {exact} vs {numeric.RemainingIntegral(x)}");
        }

        Assert.Equal(0.5, LearningRateShape.Cosine.RemainingIntegral(0), 12);
        Assert.Equal(0.5, LearningRateShape.Constant.RemainingIntegral(0.5), 12);
        Assert.Equal(100.0, CompressionController.CompressionFromSparsity(0.99), 9);
    }

    private static TrainingOptions Options(double? target, string? checkpoint = null, bool resume = false) => new()
    {
        Epochs = 30,
        BatchSize = 32,
        LearningRate = 0.1,
        Flatten = true,
        Seed = 3,
        TargetCompression = target,
        CheckpointPath = checkpoint,
        Resume = resume,
    };

    /// <summary>λ after every step, read from the model (what the optimizer will use next).</summary>
    private sealed class LambdaRecorder(Factorization factorization) : ITrainingObserver
    {
        private (int Epoch, int Batch, CancellationTokenSource Source)? _cancel;

        public List<double> Path { get; } = new();

        public void CancelAt(int epoch, int batch, CancellationTokenSource source) => _cancel = (epoch, batch, source);

        public void OnBatch(int epoch, long batch, long batches, double loss)
        {
            Path.Add(factorization.Weights[0].Lambda);
            if (_cancel is { } c && c.Epoch == epoch && c.Batch == batch)
            {
                c.Source.Cancel();
            }
        }
    }
}
