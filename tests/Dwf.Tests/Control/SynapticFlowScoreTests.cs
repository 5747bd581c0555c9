using System;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Control;

/// <summary>
/// <see cref="MaskScore.SynapticFlow"/>: the score against its closed form on a two-layer net and against an independent
/// float64 computation on a BatchNorm conv net (the norm as |γ| over its input's channel mean); the live model left exactly as it was; the controller's mask with it.
/// </summary>
public sealed class SynapticFlowScoreTests
{
    [Fact]
    public void Matches_the_closed_form_of_a_two_layer_relu_net()
    {
        // With |W|, |b| and an all-ones input every ReLU passes its input: h = |W1|·1 + |b1|, R = 1ᵀ(|W2|·h + |b2|).
        // ∂R/∂W1[j, i] = Σ_k |W2[k, j]|, ∂R/∂W2[k, j] = h_j; the score is |w| times that.
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new ReluPair();
        var factorization = Factorized.Attach(model, depth: 3);
        var scores = SynapticFlowScore.Of(model, factorization.Weights, new long[] { 1, 6 });

        var w1 = model.First.weight!.detach().to(float64).abs();
        var w2 = model.Second.weight!.detach().to(float64).abs();
        var hidden = w1.sum(1).add(model.First.bias!.detach().to(float64).abs());
        var expectedFirst = w1.mul(w2.sum(0L).unsqueeze(1));
        var expectedSecond = w2.mul(hidden.unsqueeze(0));
        // float32 forward against the float64 closed form: a few ulps.
        TensorAssert.RelativelyClose(expectedFirst, scores[0], 1e-6, "first layer");
        TensorAssert.RelativelyClose(expectedSecond, scores[1], 1e-6, "second layer");
    }

    [Fact]
    public void Matches_a_float64_computation_with_batchnorm_as_a_calibrated_gain_and_leaves_the_model_as_it_was()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = new SequentialConvNet();
        var factorization = Factorized.Attach(model, depth: 2);
        // Non-trivial BatchNorm statistics and affine parameters, and a gradient already on the layers (a training step's).
        model.train();
        model.call(randn(16, 1, 8, 8).mul(3.0.ToScalar()).add(1.0.ToScalar()));
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("features.1.", StringComparison.Ordinal)))
            {
                parameter.copy_(randn(parameter.shape));
            }
        }

        nn.functional.cross_entropy(model.call(randn(4, 1, 8, 8)), tensor(new long[] { 0, 1, 2, 0 })).backward();
        var stateBefore = model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());
        var gradientsBefore = model.parameters().Select(p => p.grad?.detach().clone()).ToList();
        model.named_modules().Single(m => m.name == "classifier").module.eval(); // modes differ between modules
        var modesBefore = model.modules().Select(m => m.training).Prepend(model.training).ToList();

        var scores = SynapticFlowScore.Of(model, factorization.Weights, new long[] { 1, 1, 8, 8 });

        // Independently, in float64 with functional ops: |every parameter|, the norm as |γ|·x/m + |β| with m the mean of
        // its input per channel (held constant), an all-ones input, R = Σ outputs; score = |w · ∂R/∂w|.
        var p = model.named_parameters().ToDictionary(e => e.name, e => e.parameter.detach().to(float64).abs());
        var w0 = p["features.0.weight"].requires_grad_();
        var w3 = p["features.3.weight"].requires_grad_();
        var wc = p["classifier.weight"].requires_grad_();
        var a0 = nn.functional.conv2d(ones(1, 1, 8, 8, dtype: float64), w0, p["features.0.bias"], padding: new long[] { 1, 1 });
        var m = a0.detach().mean(new long[] { 0, 2, 3 }, keepdim: true);
        var normed = a0.div(m).mul(p["features.1.weight"].reshape(1, 4, 1, 1)).add(p["features.1.bias"].reshape(1, 4, 1, 1));
        var a3 = nn.functional.relu(nn.functional.conv2d(nn.functional.relu(normed), w3, p["features.3.bias"], padding: new long[] { 1, 1 }));
        var logits = nn.functional.linear(nn.functional.max_pool2d(a3, new long[] { 2, 2 }).flatten(1), wc, p["classifier.bias"]);
        logits.sum().backward();
        Assert.Equal(new[] { "features.0.weight", "features.3.weight", "classifier.weight" }, factorization.Weights.Select(w => w.Path));
        var expected = new[] { w0, w3, wc };
        for (int i = 0; i < expected.Length; i++)
        {
            // float32 against float64; m² ≫ ε here, so √(m² − ε + ε) = m to float32 precision.
            TensorAssert.RelativelyClose(expected[i].grad!.mul(expected[i]).abs(), scores[i], 1e-5, factorization.Weights[i].Path);
        }

        foreach (var (name, value) in model.state_dict())
        {
            Assert.True(value.eq(stateBefore[name]).all().item<bool>(), $"{name} changed");
        }

        var gradientsAfter = model.parameters().Select(p => p.grad).ToList();
        for (int i = 0; i < gradientsAfter.Count; i++)
        {
            Assert.Equal(gradientsBefore[i] is null, gradientsAfter[i] is null);
            Assert.True(gradientsBefore[i] is null || gradientsBefore[i]!.eq(gradientsAfter[i]!).all().item<bool>(), "a gradient changed");
        }

        Assert.Equal(modesBefore, model.modules().Select(m => m.training).Prepend(model.training).ToList());
    }

    [Fact]
    public void The_controller_ranks_by_flow_once_it_has_seen_an_input_and_says_how_to_give_one_otherwise()
    {
        const long Total = 200; // 60 mask events from step 10 to the fine-tuning step 120
        manual_seed(7);
        var model = new SequentialConvNet();
        var factorization = Factorized.Attach(model, depth: 3, lambda: 3e-4);
        var options = new CompressionControllerOptions { MaskScore = MaskScore.SynapticFlow };
        var unseen = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1), Total, target_compression: 10, options);
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            for (long step = 0; step < Total; step++)
            {
                unseen.step();
            }
        });
        Assert.Contains("FlowInputShape", error.Message, StringComparison.Ordinal);

        manual_seed(7);
        var fresh = new SequentialConvNet();
        var freshFactorization = Factorized.Attach(fresh, depth: 3, lambda: 3e-4);
        var controller = freshFactorization.CreateCompressionController(freshFactorization.CreateSgd(lr: 0.1), Total, target_compression: 10, options);
        fresh.call(randn(5, 1, 8, 8)); // the hook takes one sample's shape from the first call
        for (long step = 0; step < controller.FineTuneStep; step++)
        {
            controller.step();
        }

        var report = freshFactorization.Sparsity();
        Assert.InRange(report.CompressionRatio, 9.9, 10.0);
        // The flow through every layer is the same total, so no layer is emptied.
        Assert.All(freshFactorization.Weights, w => Assert.True(w.Weight.detach().ne(0).sum().item<long>() > 0, $"{w.Path} emptied"));
    }

    [Fact]
    public void A_weight_the_forward_never_uses_is_named_and_the_model_is_left_as_it_was()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var model = new ReluPair(useSecond: false);
        var factorization = Factorized.Attach(model, depth: 2);
        var before = model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());

        var error = Assert.Throws<InvalidOperationException>(() => SynapticFlowScore.Of(model, factorization.Weights, new long[] { 1, 6 }));

        Assert.Contains("does not reach every factorized weight", error.Message, StringComparison.Ordinal);
        Assert.All(model.state_dict(), e => Assert.True(e.Value.eq(before[e.Key]).all().item<bool>(), $"{e.Key} changed"));
    }

    private sealed class ReluPair : Module<Tensor, Tensor>
    {
        private readonly Linear first; // fields: RegisterComponents registers fields, not properties
        private readonly Linear second;

        private readonly bool useSecond;

        public ReluPair(bool useSecond = true)
            : base(nameof(ReluPair))
        {
            first = Linear(6, 4);
            second = Linear(4, 3);
            this.useSecond = useSecond;
            RegisterComponents();
        }

        public Linear First => first;

        public Linear Second => second;

        public override Tensor forward(Tensor x) => useSecond ? second.call(functional.relu(first.call(x))) : first.call(x);
    }
}
