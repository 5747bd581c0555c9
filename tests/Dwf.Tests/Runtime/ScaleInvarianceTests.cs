using System;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>
/// Weights followed by BatchNorm: found from their gradients (⟨W_c, ∂L/∂W_c⟩ = 0 for every output channel), held at
/// their per-channel norms by the factor-space retraction, and the mechanism that makes this necessary: without it the
/// penalty shrinks such a layer at no cost in the loss.
/// </summary>
public sealed class ScaleInvarianceTests
{
    private static (Tensor Images, Tensor Labels) Batch(int seed)
    {
        using var generator = new Generator((ulong)seed);
        return (randn(new long[] { 16, 1, 8, 8 }, generator: generator), randint(0, 3, new long[] { 16 }, generator: generator));
    }

    private static void Train(NormalizedConvNet model, optim.Optimizer optimizer, int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (images, labels) = Batch(100 + step);
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.call(images), labels).backward();
            optimizer.step();
        }
    }

    private static FactorizedWeight Weight(Factorization factorization, string path) =>
        factorization.Weights.Single(w => w.Path == path);

    private static double[] ChannelNorms(FactorizedWeight weight)
    {
        using var noGrad = no_grad();
        var w = weight.Weight.detach().to(float64);
        return w.reshape(w.shape[0], -1).square().sum(1).sqrt().data<double>().ToArray();
    }

    [Fact]
    public void A_weight_that_feeds_only_BatchNorm_is_found_scale_invariant_and_the_others_are_not()
    {
        manual_seed(1);
        var model = new NormalizedConvNet();
        var factorization = Factorized.Attach(model, depth: 3);
        Assert.All(factorization.Weights, w => Assert.Null(w.IsScaleInvariant));

        Train(model, factorization.CreateSgd(lr: 0.05, momentum: 0.9), steps: 4);

        Assert.True(Weight(factorization, "conv.weight").IsScaleInvariant);
        Assert.False(Weight(factorization, "side.weight").IsScaleInvariant); // added to the normalized branch
        Assert.False(Weight(factorization, "head.weight").IsScaleInvariant);
        double invariantCosine = Weight(factorization, "conv.weight").ScaleInvariance.LargestCosine;
        double ordinaryCosine = Weight(factorization, "head.weight").ScaleInvariance.LargestCosine;
        Assert.True(invariantCosine < 1e-3 && ordinaryCosine > 1e-2, $"|cos| {invariantCosine:G3} (invariant) vs {ordinaryCosine:G3} (ordinary)");
    }

    [Fact]
    public void A_conv_bias_before_BatchNorm_does_not_hide_the_invariance()
    {
        manual_seed(2);
        var model = new NormalizedConvNet(convBias: true);
        var factorization = Factorized.Attach(model, depth: 3);
        Train(model, factorization.CreateSgd(lr: 0.05, momentum: 0.9), steps: 4);
        // BatchNorm subtracts each channel's mean, and with it any bias: BN(c·W∗x + b) = BN(W∗x) still.
        Assert.True(Weight(factorization, "conv.weight").IsScaleInvariant);
        Assert.False(Weight(factorization, "side.weight").IsScaleInvariant);
    }

    [Fact]
    public void The_penalty_shrinks_a_free_scale_invariant_layer_and_a_held_one_keeps_every_channel_norm()
    {
        // λ large so that 40 steps of the penalty alone would shrink W by (1 − 2·η_f·λ/D)^(D·40) ≈ 0.37 (η_f = 0.05 × 5).
        const double lambda = 0.05;
        NormalizedConvNet Make(out Factorization factorization)
        {
            manual_seed(3);
            var model = new NormalizedConvNet();
            factorization = Factorized.Attach(model, depth: 3, lambda);
            return model;
        }

        var free = Make(out var freeFactorization);
        freeFactorization.HoldScaleInvariantNorms = false;
        var held = Make(out var heldFactorization);
        heldFactorization.ScaleInvariantNormHold = NormHold.Exactly;
        var floored = Make(out var flooredFactorization);
        double[] before = ChannelNorms(Weight(heldFactorization, "conv.weight"));
        Assert.Equal(before, ChannelNorms(Weight(freeFactorization, "conv.weight")));

        Train(free, freeFactorization.CreateSgd(lr: 0.05), steps: 40);
        Train(held, heldFactorization.CreateSgd(lr: 0.05), steps: 40);
        Train(floored, flooredFactorization.CreateSgd(lr: 0.05), steps: 40);

        // Free: the loss does not resist (BatchNorm undoes any scale), so every channel shrinks close to the penalty's rate.
        double[] freeAfter = ChannelNorms(Weight(freeFactorization, "conv.weight"));
        for (int c = 0; c < before.Length; c++)
        {
            Assert.InRange(freeAfter[c] / before[c], 0.2, 0.6);
        }

        // Held: every channel at its starting norm (float32 rounding), and W still the product of its factors.
        double[] heldAfter = ChannelNorms(Weight(heldFactorization, "conv.weight"));
        for (int c = 0; c < before.Length; c++)
        {
            Assert.Equal(1.0, heldAfter[c] / before[c], 4);
        }

        heldFactorization.EnsureConsistent();

        // Held at least (the default): no channel below its starting norm, however strong the penalty.
        double[] flooredAfter = ChannelNorms(Weight(flooredFactorization, "conv.weight"));
        for (int c = 0; c < before.Length; c++)
        {
            Assert.True(flooredAfter[c] / before[c] > 1 - 1e-4, $"channel {c}: {flooredAfter[c] / before[c]:G6} of its starting norm");
        }

        flooredFactorization.EnsureConsistent();
    }

    [Fact]
    public void The_retraction_moves_the_factors_along_the_gradient_of_each_channel_norm_and_restores_it()
    {
        var (factorization, weight) = InvariantConvInFloat64();
        var invariance = weight.ScaleInvariance;
        double[] reference = ChannelNorms(weight);

        // Move W off its norms the way a penalty step does (each factor shrunk, by channel-dependent amounts).
        var shrink = linspace(0.999, 0.995, 6, dtype: float64).reshape(6, 1, 1, 1);
        var before = new Tensor[3];
        using (no_grad())
        {
            for (int d = 0; d < 3; d++)
            {
                weight.Factor(d).mul_(shrink);
                before[d] = weight.Factor(d).detach().clone();
            }

            Core.ProductRule.Rematerialize(weight);
        }

        invariance.Retract(weight);

        // Every channel norm restored (closed form: the reference).
        double[] after = ChannelNorms(weight);
        for (int c = 0; c < 6; c++)
        {
            Assert.Equal(reference[c], after[c], 10);
        }

        // The step is the gradient of ‖W_c‖² with respect to the factors (autograd through W = w₀ ⊙ w₁ ⊙ w₂), channel by channel.
        var leaves = before.Select(b => b.clone().requires_grad_(true)).ToArray();
        var product = leaves[0].mul(leaves[1]).mul(leaves[2]);
        product.square().sum().backward();
        for (int c = 0; c < 6; c++)
        {
            var step = cat(Enumerable.Range(0, 3).Select(d => weight.Factor(d).detach()[c].sub(before[d][c]).flatten()).ToArray());
            var gradient = cat(leaves.Select(l => l.grad!.detach()[c].flatten()).ToArray());
            double cosine = step.dot(gradient).item<double>() / (step.norm().item<double>() * gradient.norm().item<double>());
            Assert.True(cosine > 0.9999, $"channel {c}: cos(step, ∇‖W_c‖²) = {cosine}");
        }

        factorization.EnsureConsistent();
    }

    [Fact]
    public void Held_at_least_a_channel_below_its_norm_is_restored_and_one_above_is_left_alone()
    {
        var (factorization, weight) = InvariantConvInFloat64();
        var invariance = weight.ScaleInvariance;
        double[] reference = ChannelNorms(weight);

        // Channels 0-2 shrunk (a penalty step), channels 3-5 grown (a loss step lengthens an invariant channel).
        var scale = tensor(new[] { 0.99, 0.98, 0.97, 1.01, 1.02, 1.03 }, dtype: float64).reshape(6, 1, 1, 1);
        using (no_grad())
        {
            weight.Factor(0).mul_(scale);
            Core.ProductRule.Rematerialize(weight);
        }

        double[] moved = ChannelNorms(weight);
        invariance.Retract(weight, NormHold.AtLeast);
        double[] after = ChannelNorms(weight);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(reference[c], after[c], 10); // restored to the floor
        }

        for (int c = 3; c < 6; c++)
        {
            Assert.Equal(moved[c], after[c], 12); // above the floor: untouched
            Assert.True(after[c] > reference[c] * 1.005, $"channel {c} should stay above its starting norm");
        }

        factorization.EnsureConsistent();
    }

    // The conv before BatchNorm of NormalizedConvNet in float64, found scale-invariant from hand-made evidence.
    private static (Factorization Factorization, FactorizedWeight Weight) InvariantConvInFloat64()
    {
        manual_seed(4);
        var model = new NormalizedConvNet();
        model.to(float64);
        var factorization = Factorized.Attach(model, depth: 3);
        var weight = Weight(factorization, "conv.weight");
        ObserveOrthogonalGradients(weight);
        Assert.True(weight.IsScaleInvariant);
        return (factorization, weight);
    }

    // Evidence by hand: gradients orthogonal to every channel of W (what BatchNorm makes of any loss), enough of them
    // for a verdict.
    private static void ObserveOrthogonalGradients(FactorizedWeight weight)
    {
        using var noGrad = no_grad();
        var w = weight.Weight.detach().reshape(weight.Shape[0], -1);
        for (int i = 0; i < Core.ScaleInvariance.Observations; i++)
        {
            var g = randn_like(w, dtype: float64);
            var radial = g.mul(w).sum(1, keepdim: true).div(w.square().sum(1, keepdim: true));
            weight.ScaleInvariance.Observe(weight.Weight, g.sub(radial.mul(w)).reshape(weight.Shape));
        }
    }
}
