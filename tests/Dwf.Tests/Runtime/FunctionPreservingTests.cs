using System;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>Factorizing existing (e.g. pretrained) weights keeps the function and balances the factors.</summary>
public sealed class FunctionPreservingTests
{
    [Theory]
    [InlineData(2, ScalarType.Float32, 1e-6)]
    [InlineData(3, ScalarType.Float32, 1e-6)]
    [InlineData(5, ScalarType.Float32, 1e-6)]
    [InlineData(3, ScalarType.Float64, 1e-14)]
    public void FactorizingDenseWeightsReproducesThemWithBalancedFactors(int depth, ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var dense = new TwoLayerMlp(dtype: dtype);
        var dict = dense.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        var input = randn(16, 20, dtype: dtype);
        var expected = dense.call(input).detach().clone();

        var model = new TwoLayerMlp(dtype: dtype);
        var factorization = Factorized.Attach(model, depth);
        model.load_state_dict(dict, strict: false);
        factorization.FactorizeFromCurrentWeights();

        foreach (var weight in factorization.Weights)
        {
            TensorAssert.RelativelyClose(dict[weight.Path], weight.Product(), tolerance, $"{weight.Path} product");
            var root = dict[weight.Path].abs().pow(1.0 / depth);
            for (int d = 0; d < depth; d++)
            {
                TensorAssert.RelativelyClose(root, weight.Factor(d).abs(), tolerance, $"{weight.Path} |factor {d}|");
            }

            Assert.True(weight.Factor(0).sign().eq(dict[weight.Path].sign()).all().item<bool>(), "the sign sits on the first factor");
            Assert.True(weight.Factor(depth - 1).ge(0).all().item<bool>(), "other factors are non-negative");
        }

        TensorAssert.RelativelyClose(expected, model.call(input), tolerance * 10, "outputs after factorization");
    }

    [Fact]
    public void ZeroWeightsGiveZeroFactorsThatStayZeroUnderTraining()
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3);
        var weight = factorization.Weights[0];
        using (no_grad())
        {
            weight.Weight[0].zero_();
        }

        factorization.FactorizeFromCurrentWeights();
        var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
        for (int i = 0; i < 5; i++)
        {
            optimizer.zero_grad();
            model.call(randn(8, 20)).square().sum().backward();
            optimizer.step();
        }

        Assert.Equal(0L, weight.Weight[0].count_nonzero().item<long>());
        Assert.True(Math.Abs(weight.Weight[1].sum().item<float>()) > 0);
    }
}
