using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Data;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Control;

/// <summary>
/// The controller in short runs: λ is raised no faster than the weights can answer (the old controller wound λ up by
/// orders of magnitude while no weight had time to move), and the fine-tuning phase fixes the mask at exactly the
/// target and keeps the removed weights at exactly zero while λ is 0.
/// </summary>
public sealed class ControllerShortBudgetTests
{
    private const int Features = 400;

    private static TwoLayerMlp Model(int seed)
    {
        manual_seed(seed);
        var model = new TwoLayerMlp(inputs: Features, hidden: 64, outputs: 5);
        Factorized.Attach(model, depth: 3, lambda: 3e-4);
        return model;
    }

    [Theory]
    [InlineData(0.0)] // the paper's protocol: the target at 1.19e-7
    [InlineData(0.4)] // the default: a fine-tuning phase
    public void Lambda_rises_no_faster_than_the_shrinkage_a_dying_weight_receives(double fineTuneFraction)
    {
        // The weights never move (no optimizer step), so the projected ratio stays 1 and the controller wants more λ
        // at every update: what bounds it is the pacing. Closed form of the bound: each update may raise ln λ by at
        // most Gain × (ln-shrinkage of a dying weight over the interval) = 3 × 2λ·lr_t/(1 − β) × interval, computed
        // here from the λ the weights carry and the cosine rate.
        const long Total = 400;
        // No ceiling: the pacing alone is under test (the mask phase's λ ceiling would stop the wind-up by itself).
        var options = new CompressionControllerOptions { FineTuneFraction = fineTuneFraction, MaskPhaseLambdaCeiling = double.PositiveInfinity };
        var (paced, pacedPath) = LambdaPath(options, Total);
        var (unpaced, _) = LambdaPath(options with { PaceByShrinkage = false }, Total);

        double bound = 0;
        for (int k = 0; k < pacedPath.Count - 1; k++) // update k + 1 raises λ from pacedPath[k] to pacedPath[k + 1]
        {
            double progress = (k + 1.0) / Total;
            double rate = 0.1 * DepthLearningRate.Multiplier(3) * 0.5 * (1 + Math.Cos(Math.PI * progress));
            bound += 3.0 * 2.0 * pacedPath[k] * rate / (1 - 0.9);
        }

        double risen = Math.Log(pacedPath[^1] / pacedPath[0]);
        Assert.True(risen > 0, "the paced controller never raised λ");
        Assert.True(risen <= bound * (1 + 1e-9), $"ln λ rose by {risen:G6}, the shrinkage allows {bound:G6}");
        Assert.True(unpaced > 20 * paced, $"without pacing λ ends at {unpaced:G3}, with it at {paced:G3}: the test would not see the wind-up");
    }

    [Fact]
    public void With_a_mask_phase_lambda_never_exceeds_the_configured_lambda_unless_the_ceiling_is_lifted()
    {
        // The same wind-up setting (the weights never move, the controller always wants more λ), without pacing.
        const long Total = 400;
        var unpaced = new CompressionControllerOptions { PaceByShrinkage = false };
        var (_, capped) = LambdaPath(unpaced, Total);
        Assert.All(capped, lambda => Assert.True(lambda <= 3e-4 * (1 + 1e-12), $"λ {lambda:G4} above the configured 3e-4"));
        Assert.Equal(3e-4, capped[^1], 12); // it did rise to the ceiling

        var (_, twice) = LambdaPath(unpaced with { MaskPhaseLambdaCeiling = 2 }, Total);
        Assert.Equal(6e-4, twice.Max(), 12);
        var (lifted, _) = LambdaPath(unpaced with { MaskPhaseLambdaCeiling = double.PositiveInfinity }, Total);
        Assert.True(lifted > 1e-2, $"without a ceiling λ winds up (ends at {lifted:G3})");
        var (paperProtocol, _) = LambdaPath(unpaced with { FineTuneFraction = 0 }, Total);
        Assert.True(paperProtocol > 1e-2, $"without a mask phase the ceiling does not apply (λ ends at {paperProtocol:G3})");
    }

    [Fact]
    public void The_ceiling_holds_only_where_the_mask_phase_is_short_in_shrinkage()
    {
        // Budget = ln-shrinkage at the configured λ over the mask phase: 2λ·Σ lr_t / (1 − β), closed form for the cosine:
        // Σ over the first 60 % of T steps of ½(1 + cos πt/T)·lr = lr·T·(0.6 + sin(0.6π)/(2π))/… (0.5·(0.6 + sin(0.6π)/π)).
        var model = Model(seed: 12);
        var factorization = Factorization.Find(model)!;
        double factorRate = 0.1 * DepthLearningRate.Multiplier(3);
        double perStep = 2 * 3e-4 * factorRate / (1 - 0.9);
        double cosineShare = 0.5 * (0.6 + (Math.Sin(0.6 * Math.PI) / Math.PI));
        var start = new CompressionControllerOptions { InitialLambdaScale = 10 }; // asks for 3e-3 at once
        foreach (long total in new long[] { 400, 200_000 })
        {
            var controller = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1, momentum: 0.9), total, target_compression: 20, start);
            Assert.Equal(perStep * cosineShare * total, controller.MaskPhaseShrinkBudget, 6);
            double expected = controller.MaskPhaseShrinkBudget < 5 ? 3e-4 : 3e-3;
            Assert.Equal(expected, MeanLambda(factorization), 12);
        }

        Assert.True(perStep * cosineShare * 200_000 > 5 && perStep * cosineShare * 400 < 5, "the two runs must fall on both sides of the rule");
    }

    private static (double Final, List<double> Path) LambdaPath(CompressionControllerOptions options, long total)
    {
        var model = Model(seed: 11);
        var factorization = Factorization.Find(model)!;
        var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
        var controller = factorization.CreateCompressionController(optimizer, total, target_compression: 20, options with { UpdateInterval = 1 });
        var path = new List<double> { MeanLambda(factorization) };
        long steered = (controller.FineTuneStep ?? total) - 1; // λ is 0 once the mask is fixed
        for (long step = 0; step < steered; step++)
        {
            controller.step();
            path.Add(MeanLambda(factorization));
        }

        return (controller.Lambda, path);
    }

    private static double MeanLambda(Factorization factorization) =>
        factorization.Weights.Sum(w => w.Lambda * w.Count) / factorization.Weights.Sum(w => (double)w.Count);

    [Fact]
    public void The_mask_tightens_gradually_reaches_the_target_when_fine_tuning_starts_and_keeps_the_removed_weights_at_exactly_zero()
    {
        const double Target = 20;
        using var generator = new Generator(8);
        var map = randn(new long[] { Features, 5 }, generator: generator);
        var images = randn(new long[] { 960, 1, 20, 20 }, generator: generator);
        using var train = new ImageClassificationDataset("synthetic 20×20", images, images.reshape(960, Features).matmul(map).argmax(1), 5);

        var model = Model(seed: 12);
        var factorization = Factorization.Find(model)!;
        var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
        using var loader = train.Batches(32, shuffle: true, seed: 4, dropLast: false, flatten: true);
        const int Epochs = 10;
        long total = loader.BatchesPerEpoch * Epochs;
        var scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, total);
        var controller = factorization.CreateCompressionController(optimizer, total, Target, new CompressionControllerOptions { FineTuneFraction = 0.3 });
        Assert.Equal((long)Math.Round(0.7 * total), controller.FineTuneStep);

        long midway = (long)Math.Round(0.05 * total) + ((controller.FineTuneStep!.Value - (long)Math.Round(0.05 * total)) / 2);
        double ratioMidway = 0;
        Tensor[]? removedAtFix = null;
        Tensor[]? survivorsAtFix = null;
        double ratioAtFix = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            foreach (var (x, y) in loader.Epoch(epoch))
            {
                using var scope = NewDisposeScope();
                scope.Attach(x, y);
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                optimizer.step();
                scheduler.step();
                bool fixedBefore = controller.IsMaskFixed;
                controller.step();
                if (controller.Steps == midway)
                {
                    ratioMidway = factorization.Sparsity().CompressionRatio;
                }

                if (!fixedBefore && controller.IsMaskFixed)
                {
                    Assert.Equal(controller.FineTuneStep, controller.Steps);
                    removedAtFix = factorization.Weights.Select(w => w.Weight.detach().eq(0).DetachFromDisposeScope()).ToArray();
                    survivorsAtFix = factorization.Weights.Select(w => w.Weight.detach().clone().DetachFromDisposeScope()).ToArray();
                    ratioAtFix = factorization.Sparsity().CompressionRatio;
                    Assert.All(factorization.Weights, w => Assert.Equal(0.0, w.Lambda));
                }
            }
        }

        Assert.NotNull(removedAtFix);
        // The mask tightens on a cubic schedule from 5 % of the run: halfway to the fine-tuning step, sparsity
        // (1 − 1/20)·(1 − 0.5³) = 83 % (CR 5.9) or more where the penalty has killed more, but not yet the target.
        Assert.InRange(ratioMidway, 5.0, Target * 0.9);
        long weights = factorization.Weights.Sum(w => w.Count);
        // Exactly total/⌈total/target⌉ (ties of float magnitudes aside, which would only keep more).
        Assert.InRange(ratioAtFix, Target * 0.99, Target);
        for (int i = 0; i < removedAtFix!.Length; i++)
        {
            var weight = factorization.Weights[i];
            Assert.True(weight.Weight.detach().eq(0).eq(removedAtFix[i]).all().item<bool>(), $"{weight.Path}: the zero set changed during fine-tuning");
            for (int d = 0; d < weight.Depth; d++)
            {
                Assert.Equal(0.0, weight.Factor(d).detach().masked_select(removedAtFix[i]).abs().sum().item<float>());
            }
        }

        // The survivors did train (fine-tuning is not a freeze).
        double moved = factorization.Weights.Select((w, i) => w.Weight.detach().sub(survivorsAtFix![i]).abs().max().item<float>()).Max();
        Assert.True(moved > 1e-4, $"the surviving weights moved by at most {moved:G3} during fine-tuning");
        var collapsed = factorization.Collapse();
        Assert.Equal(ratioAtFix, collapsed.CompressionRatio, 9);
        Assert.Equal(ratioAtFix, controller.LastCompression, 9);
        Assert.True(weights > 0);
    }
}
