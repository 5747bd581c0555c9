using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Tests.Support;
using Dwf.Tests.Training;
using Dwf.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Baselines;

/// <summary>Gradual magnitude pruning (Zhu &amp; Gupta 2017) as the harness runs it.</summary>
public sealed class GradualMagnitudePruningTests
{
    [Fact]
    public void The_sparsity_follows_the_cubic_schedule_over_n_events_from_begin_to_end_and_then_holds()
    {
        var model = new TwoLayerMlp();
        using var gmp = new GradualMagnitudePruning(Nets.PrunableWeights(model), targetRatio: 100, totalSteps: 1000, begin: 0.1, end: 0.7, pruningSteps: 60);
        Assert.Equal(100, gmp.BeginStep);
        Assert.Equal(700, gmp.EndStep);
        Assert.Equal(110, gmp.EventStep(1));
        Assert.Equal(700, gmp.EventStep(60));

        Assert.Equal(0.0, gmp.SparsityAt(0));
        Assert.Equal(0.0, gmp.SparsityAt(109)); // nothing is pruned before the first event
        Assert.Equal(0.99 * (1 - Math.Pow(59.0 / 60, 3)), gmp.SparsityAt(110), 12);
        // Half-way (event 30 at step 400): s_f · (1 − (1 − 0.5)³) = 0.875 · s_f.
        Assert.Equal(0.99 * 0.875, gmp.SparsityAt(400), 12);
        Assert.Equal(gmp.SparsityAt(400), gmp.SparsityAt(409), 12); // held between events
        Assert.Equal(0.99, gmp.SparsityAt(700), 12);
        Assert.Equal(0.99, gmp.SparsityAt(999), 12);

        // Exactly n events, at strictly increasing steps, with a non-decreasing sparsity.
        int events = 0;
        double previous = 0;
        for (long step = 0; step < 1000; step++)
        {
            double s = gmp.SparsityAt(step);
            Assert.True(s >= previous, $"the schedule falls at step {step}");
            events += s > previous ? 1 : 0;
            previous = s;
        }

        Assert.Equal(60, events);

        // An uneven window (5,628 steps for 60 events) still has exactly 60 events, the last one at the end.
        using var uneven = new GradualMagnitudePruning(Nets.PrunableWeights(model), 100, totalSteps: 9380, begin: 0.05, end: 0.65, pruningSteps: 60);
        Assert.Equal(60, Enumerable.Range(1, 60).Select(uneven.EventStep).Distinct().Count());
        Assert.Equal(uneven.EndStep, uneven.EventStep(60));
    }

    [Fact]
    public void Training_with_gradual_pruning_ends_at_exactly_the_target_count_and_still_learns()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            manual_seed(3);
            var model = new TwoLayerMlp(inputs: 20, hidden: 64, outputs: 5);
            var weights = Nets.PrunableWeights(model);
            var options = SyntheticTraining.Options() with { Epochs = 6 };
            long steps = (train.Count + options.BatchSize - 1) / options.BatchSize * options.Epochs;
            using var gmp = new GradualMagnitudePruning(weights, targetRatio: 10, steps);
            long? prunedDuringTraining = null;
            var hooks = new TrainingHooks
            {
                AfterStepAt = step =>
                {
                    gmp.OnStep(step);
                    if (step == gmp.EndStep + 1)
                    {
                        prunedDuringTraining = weights.Sum(w => w.Weight.count_nonzero().item<long>());
                    }
                },
            };
            var result = new Trainer(model, options, hooks).Fit(train, test);
            gmp.Finish();

            long total = weights.Sum(w => w.Weight.numel());
            long kept = weights.Sum(w => w.Weight.count_nonzero().item<long>());
            Assert.Equal((long)Math.Ceiling(total / 10.0), kept);
            Assert.Equal(kept, prunedDuringTraining); // the mask held through the steps after the last event
            Assert.True(result.Final.TestAccuracy > 0.5, $"accuracy {result.Final.TestAccuracy}");
        }
    }

    [Fact]
    public void Per_layer_pruning_keeps_every_layer_at_the_ratio_where_one_global_ranking_empties_the_small_scale_layer()
    {
        // The head's scale is arbitrary behind a normalization; here it is 1000× smaller than fc1's.
        static IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Weight)> SmallHeadWeights()
        {
            manual_seed(5);
            var weights = Nets.PrunableWeights(new TwoLayerMlp(inputs: 20, hidden: 64, outputs: 5));
            using var noGrad = no_grad();
            using var small = 1e-3.ToScalar();
            weights.Single(w => w.Name == "head.weight").Weight.mul_(small);
            return weights;
        }

        var weights = SmallHeadWeights();
        using var global = new GradualMagnitudePruning(weights, targetRatio: 10, totalSteps: 100);
        global.Finish();
        Assert.Equal(0, weights.Single(w => w.Name == "head.weight").Weight.count_nonzero().item<long>());

        var freshWeights = SmallHeadWeights();
        var magnitudes = freshWeights.Select(w => w.Weight.detach().abs().clone()).ToList();
        using var perLayer = new GradualMagnitudePruning(freshWeights, targetRatio: 10, totalSteps: 100) { PerLayer = true };
        perLayer.Finish();
        for (int i = 0; i < freshWeights.Count; i++)
        {
            var weight = freshWeights[i].Weight;
            long n = weight.numel();
            long keep = (long)Math.Ceiling(n / 10.0);
            Assert.Equal(keep, weight.count_nonzero().item<long>());
            // The kept entries are the layer's largest: the smallest kept magnitude is at least the largest removed one.
            var kept = weight.detach().ne(0);
            double smallestKept = magnitudes[i].masked_select(kept).min().item<float>();
            double largestRemoved = magnitudes[i].masked_select(kept.logical_not()).max().item<float>();
            Assert.True(smallestKept >= largestRemoved, $"{freshWeights[i].Name}: kept {smallestKept}, removed {largestRemoved}");
        }
    }
}
