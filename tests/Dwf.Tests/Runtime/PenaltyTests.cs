using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>The penalty is (λ/D)·Σ_d‖w_d‖², and weight decay 2λ/D is the same thing for SGD.</summary>
public sealed class PenaltyTests
{
    [Theory]
    [InlineData(2, 0.01)]
    [InlineData(3, 0.003)]
    [InlineData(4, 0.5)]
    public void PenaltyEqualsLambdaOverDepthTimesSumOfSquaredFactorNorms(int depth, double lambda)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = new TwoLayerMlp(dtype: ScalarType.Float64);
        var factorization = Factorized.Attach(model, depth, lambda);

        double expected = 0;
        foreach (var weight in factorization.Weights)
        {
            for (int d = 0; d < depth; d++)
            {
                var values = weight.Factor(d).detach().data<double>().ToArray();
                expected += lambda / depth * values.Sum(v => v * v);
            }
        }

        var penalty = factorization.Penalty();
        Assert.Equal(expected, penalty.item<double>(), 1e-12 * expected);

        // Its gradient with respect to each factor is 2λ/D · w_d.
        penalty.backward();
        foreach (var weight in factorization.Weights)
        {
            for (int d = 0; d < depth; d++)
            {
                TensorAssert.RelativelyClose(weight.Factor(d).detach().mul(2 * lambda / depth), weight.Factor(d).grad!, 1e-12, "penalty gradient");
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void WeightDecayTwoLambdaOverDepthFollowsTheExplicitPenaltyTrajectory(int depth)
    {
        using var scope = NewDisposeScope();
        const double Lambda = 0.02;
        manual_seed(11);
        var decayModel = new TwoLayerMlp(dtype: ScalarType.Float64);
        var decay = Factorized.Attach(decayModel, depth, Lambda);
        manual_seed(11);
        var penaltyModel = new TwoLayerMlp(dtype: ScalarType.Float64);
        var penalty = Factorized.Attach(penaltyModel, depth, Lambda);

        var input = randn(32, 20, dtype: float64);
        var target = randn(32, 5, dtype: float64);
        var decayOptimizer = decay.CreateSgd(lr: 0.05, momentum: 0.9);
        var penaltyOptimizer = penalty.CreateSgd(lr: 0.05, momentum: 0.9, penalty_as_weight_decay: false);
        for (int step = 0; step < 50; step++)
        {
            using var stepScope = NewDisposeScope();
            decayOptimizer.zero_grad();
            nn.functional.mse_loss(decayModel.call(input), target).backward();
            decayOptimizer.step();

            penaltyOptimizer.zero_grad();
            nn.functional.mse_loss(penaltyModel.call(input), target).add(penalty.Penalty()).backward();
            penaltyOptimizer.step();
        }

        foreach (var (a, b) in decay.Weights.Zip(penalty.Weights))
        {
            for (int d = 0; d < depth; d++)
            {
                TensorAssert.RelativelyClose(a.Factor(d), b.Factor(d), 1e-10, $"{a.Path} factor {d}");
            }
        }
    }

    [Fact]
    public void SetLambdaChangesThePenaltyAndTheOptimizersWeightDecay()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new TwoLayerMlp(dtype: ScalarType.Float64);
        var factorization = Factorized.Attach(model, 3, 0.01);
        double before = factorization.Penalty().item<double>();
        factorization.SetLambda(0.04);
        Assert.Equal(4 * before, factorization.Penalty().item<double>(), 1e-12);

        // With zero gradient from the loss, one SGD step (no momentum) shrinks every factor by lr·2λ/D.
        var optimizer = factorization.CreateSgd(lr: 0.1);
        var weight = factorization.Weights[0];
        var factorBefore = weight.Factor(1).detach().clone();
        factorization.SetLambda(0.3);
        optimizer.zero_grad();
        model.call(zeros(1, 20, dtype: float64)).sum().mul(0.0).backward();
        optimizer.step();
        TensorAssert.RelativelyClose(factorBefore.mul(1 - 0.1 * DepthLearningRate.Multiplier(3) * 2 * 0.3 / 3), weight.Factor(1), 1e-12, "decayed factor");
    }
}
