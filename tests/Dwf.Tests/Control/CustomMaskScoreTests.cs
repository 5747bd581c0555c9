using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Control;

/// <summary>
/// <see cref="CompressionControllerOptions.MaskScorer"/>: the controller keeps exactly the weights a ranking of the
/// user's own puts first, calls it with autograd on, and names a scorer that answers in the wrong form.
/// </summary>
public sealed class CustomMaskScoreTests
{
    private const long Total = 200; // mask events from step 10 to the fine-tuning step 120

    private static (TwoLayerMlp Model, Factorization Factorization) Model()
    {
        manual_seed(21);
        var model = new TwoLayerMlp(inputs: 400, hidden: 64, outputs: 5);
        Factorized.Attach(model, depth: 3, lambda: 3e-4);
        return (model, Factorization.Find(model)!);
    }

    [Fact]
    public void The_mask_keeps_exactly_the_weights_the_scorer_ranks_first()
    {
        // Scores unrelated to magnitude: the second layer (320 weights) above everything, the first layer ranked by
        // position. Target 20 keeps ⌈25,920 / 20⌉ = 1,296: all 320 of the second layer and the last 976 of the first.
        // (The cubic schedule's last event keeps ⌈total · (1 − s)⌉, which floating point may round one higher.)
        var (_, factorization) = Model();
        int calls = 0;
        bool gradEnabledEveryTime = true;
        IReadOnlyList<Tensor> Scorer(IReadOnlyList<FactorizedWeight> weights)
        {
            calls++;
            gradEnabledEveryTime &= is_grad_enabled();
            return weights.Select((w, i) => arange(w.Count, dtype: float64).add(i == 1 ? 1e6 : 0.0).reshape(w.Shape)).ToList();
        }

        var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
        var controller = factorization.CreateCompressionController(optimizer, Total, target_compression: 20, new CompressionControllerOptions { MaskScorer = Scorer });
        for (long step = 0; step < controller.FineTuneStep; step++)
        {
            controller.step();
        }

        Assert.True(controller.IsMaskFixed);
        Assert.Equal(60, calls); // once per mask event
        Assert.True(gradEnabledEveryTime, "the scorer ran under no_grad: a score that needs a backward pass could not work");
        var first = factorization.Weights[0].Weight.detach().flatten();
        var second = factorization.Weights[1].Weight.detach();
        Assert.Equal(0L, second.eq(0).sum().item<long>());
        // 976, or 977 where (1 − (1 − 1/20))·25,920 rounds up past 1,296 in floating point.
        long kept = first.ne(0).sum().item<long>();
        Assert.InRange(kept, 976L, 977L);
        Assert.Equal(kept, first.narrow(0, first.numel() - kept, kept).ne(0).sum().item<long>()); // the last ones
    }

    [Fact]
    public void A_scorer_that_answers_in_the_wrong_form_is_named()
    {
        var (_, factorization) = Model();
        var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
        var tooFew = factorization.CreateCompressionController(optimizer, Total, target_compression: 20, new CompressionControllerOptions
        {
            MaskScorer = weights => new[] { ones(weights[0].Shape) },
        });
        var error = Assert.Throws<InvalidOperationException>(() => StepThroughMaskPhase(tooFew));
        Assert.Contains("returned 1 score tensors for 2 weights", error.Message, StringComparison.Ordinal);

        var (_, other) = Model();
        var wrongShape = other.CreateCompressionController(other.CreateSgd(lr: 0.1), Total, target_compression: 20, new CompressionControllerOptions
        {
            MaskScorer = weights => weights.Select(w => ones(w.Count)).ToList(),
        });
        error = Assert.Throws<InvalidOperationException>(() => StepThroughMaskPhase(wrongShape));
        Assert.Contains("of shape [25600]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[64, 400]", error.Message, StringComparison.Ordinal);
    }

    private static void StepThroughMaskPhase(CompressionController controller)
    {
        for (long step = 0; step < Total; step++)
        {
            controller.step();
        }
    }
}
