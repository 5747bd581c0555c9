using System;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Samples.Models;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Baselines;

/// <summary>The pruning baselines of the experiment harness do what their papers define.</summary>
public sealed class PruningBaselineTests
{
    [Theory]
    [InlineData(10.0)]
    [InlineData(37.0)]
    [InlineData(1000.0)]
    public void GlobalTopKKeepsExactlyTheTargetCountAndTheHighestScores(double ratio)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = new LeNet300();
        var weights = Nets.PrunableWeights(model);
        var scores = weights.Select(w => rand(w.Weight.shape)).ToList();
        using var mask = PruningMask.KeepTopGlobally(weights, scores, ratio);
        using (no_grad())
        {
            foreach (var (_, weight) in weights)
            {
                weight.fill_(1.0f);
            }
        }

        mask.Apply();
        long total = weights.Sum(w => w.Weight.numel());
        long kept = weights.Sum(w => w.Weight.count_nonzero().item<long>());
        Assert.Equal((long)Math.Ceiling(total / ratio), kept);

        var allScores = cat(scores.Select(s => s.flatten()).ToList());
        var keptMask = cat(weights.Select(w => w.Weight.detach().flatten()).ToList()).ne(0);
        Assert.True(allScores.masked_select(keptMask).min().item<float>() >= allScores.masked_select(keptMask.logical_not()).max().item<float>());
    }

    [Fact]
    public void GraspHessianGradientProductMatchesFiniteDifferencesOfTheGradient()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var model = new TwoLayerMlp(inputs: 6, hidden: 5, outputs: 3, dtype: ScalarType.Float64);
        var weights = Nets.PrunableWeights(model);
        var images = randn(16, 6, dtype: float64);
        var labels = randint(0, 3, new long[] { 16 }, dtype: int64);

        var scores = PruningScores.Grasp(model, weights, images, labels); // w ⊙ (H g)

        // Independent: H g ≈ (∇L(w + εg) − ∇L(w − εg)) / 2ε, with g = ∇L(w).
        Tensor[] Gradient()
        {
            model.zero_grad();
            nn.functional.cross_entropy(model.call(images), labels).backward();
            return weights.Select(w => w.Weight.grad!.detach().clone()).ToArray();
        }

        var g = Gradient();
        const double Epsilon = 1e-5;
        Tensor[] Shifted(double sign)
        {
            using (no_grad())
            {
                for (int i = 0; i < weights.Count; i++)
                {
                    weights[i].Weight.add_(g[i], alpha: sign * Epsilon);
                }
            }

            var shifted = Gradient();
            using (no_grad())
            {
                for (int i = 0; i < weights.Count; i++)
                {
                    weights[i].Weight.add_(g[i], alpha: -sign * Epsilon);
                }
            }

            return shifted;
        }

        var plus = Shifted(1);
        var minus = Shifted(-1);
        for (int i = 0; i < weights.Count; i++)
        {
            var hessianGradient = plus[i].sub(minus[i]).div(2 * Epsilon);
            TensorAssert.RelativelyClose(weights[i].Weight.detach().mul(hessianGradient), scores[i], 1e-5, $"GraSP score of {weights[i].Name}");
        }
    }

    [Fact]
    public void SynFlowReachesTheTargetDensityWithoutPruningAWholeLayerAway()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new LeNet300();
        using var mask = PruningScores.SynFlow(() => new LeNet300(), model, new long[] { 1, 784 }, targetRatio: 100, iterations: 20);
        mask.Apply();
        var (ratio, layers) = Sparsity.Measure(model, Sparsity.Threshold);
        Assert.InRange(ratio, 99.0, 101.0);
        Assert.All(layers, l => Assert.True(double.IsFinite(l.Ratio), $"{l.Layer} was pruned away entirely"));
    }

    [Fact]
    public void SnipScoresAreTheMagnitudeOfGradientTimesWeight()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var model = new TwoLayerMlp(inputs: 6, hidden: 5, outputs: 3, dtype: ScalarType.Float64);
        var weights = Nets.PrunableWeights(model);
        var images = randn(8, 6, dtype: float64);
        var labels = randint(0, 3, new long[] { 8 }, dtype: int64);
        var scores = PruningScores.Snip(model, weights, images, labels);

        nn.functional.cross_entropy(model.call(images), labels).backward();
        for (int i = 0; i < weights.Count; i++)
        {
            TensorAssert.RelativelyClose(weights[i].Weight.grad!.mul(weights[i].Weight).abs(), scores[i], 1e-12, $"SNIP score of {weights[i].Name}");
        }
    }
}
