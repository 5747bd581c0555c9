using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>Properties of the fused CPU kernel that the trajectory tests do not reach.</summary>
public sealed class FusedKernelTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void DeadWeightsWhoseProductWouldTurnSubnormalAreFlushedToZeroAndTheRestMatchesTheGeneralPath(int depth)
    {
        using var scope = NewDisposeScope();
        (Factorization Factorization, FactorizedSgd Optimizer, TwoLayerMlp Model) Make(bool fused)
        {
            manual_seed(17);
            var model = new TwoLayerMlp();
            var factorization = Factorized.Attach(model, depth, lambda: 1e-3);
            using (no_grad())
            {
                // Row 0 of fc1: every factor 1e-12, so |W| = 1e-12^D < 1.2e-32 (or subnormal) whatever D ≥ 3; for D = 2 use 1e-17.
                var weight = factorization.Weights[0];
                for (int d = 0; d < depth; d++)
                {
                    weight.Factor(d)[0].fill_(depth == 2 ? 1e-17f : 1e-12f);
                }

                weight.Weight.copy_(weight.Product());
            }

            var optimizer = factorization.CreateSgd(lr: 0.01, momentum: 0.9);
            optimizer.UseFusedKernel = fused;
            return (factorization, optimizer, model);
        }

        var (fusedFactorization, fusedOptimizer, fusedModel) = Make(fused: true);
        var (generalFactorization, generalOptimizer, generalModel) = Make(fused: false);
        var input = randn(8, 20);
        foreach (var (model, optimizer) in new[] { (fusedModel, fusedOptimizer), (generalModel, generalOptimizer) })
        {
            optimizer.zero_grad();
            model.call(input).square().sum().backward();
            optimizer.step();
        }

        var fused = fusedFactorization.Weights[0];
        var general = generalFactorization.Weights[0];
        for (int d = 0; d < depth; d++)
        {
            Assert.Equal(0L, fused.Factor(d)[0].count_nonzero().item<long>());
            TensorAssert.RelativelyClose(general.Factor(d)[1..], fused.Factor(d)[1..], 1e-6, $"factor {d} of the live rows");
        }

        Assert.Equal(0L, fused.Weight[0].count_nonzero().item<long>());
        Assert.True(fused.Weight[1..].abs().min().item<float>() > 0, "live weights are not flushed");
    }
}
