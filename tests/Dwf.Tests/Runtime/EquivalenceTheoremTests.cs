using System;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Runtime;

/// <summary>
/// The paper's theorem: min over factors of L(⊙w_d) + (λ/D)Σ‖w_d‖² has the minima of L(W) + λ‖W‖_{2/D}^{2/D}.
/// With an orthonormal design, ½‖y − Xw‖² + λ‖w‖_{2/D}^{2/D} separates into scalar problems
/// ½(w_j − z_j)² + λ|w_j|^{2/D} with z = Xᵀy, whose exact minimizers are computed independently.
/// </summary>
public sealed class EquivalenceTheoremTests
{
    private readonly ITestOutputHelper _output;

    public EquivalenceTheoremTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TrainedDwfMatchesTheExactLTwoOverDMinimizer(int depth)
    {
        using var scope = NewDisposeScope();
        const double Lambda = 0.5;
        const int Observations = 64, Coefficients = 40;
        manual_seed(2025 + depth);

        // Orthonormal design: XᵀX = I, so z = Xᵀy.
        var (q, _) = linalg.qr(randn(Observations, Coefficients, dtype: float64));
        var z = linspace(-3, 3, Coefficients, dtype: float64).add(rand(Coefficients, dtype: float64).sub(0.5).mul(0.1));
        var y = q.matmul(z);

        var model = new SingleLayer(Linear(Coefficients, 1, hasBias: false, dtype: float64));
        var factorization = Factorized.Attach(model, depth, Lambda, field: "layer");
        // Start from the least-squares fit, factorized without changing it.
        using (no_grad())
        {
            factorization.Weights[0].Weight.copy_(z.unsqueeze(0));
        }

        factorization.FactorizeFromCurrentWeights();
        var optimizer = factorization.CreateSgd(lr: 0.04 / DepthLearningRate.Multiplier(depth));
        for (int step = 0; step < 6000; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            model.call(q).squeeze(1).sub(y).square().sum().mul(0.5).backward();
            optimizer.step();
        }

        var weight = factorization.Weights[0];
        var factors = Enumerable.Range(0, depth).Select(d => weight.Factor(d).detach().abs().clone()).ToArray();
        factorization.Collapse();
        var trained = weight.Weight.detach().squeeze(0).data<double>().ToArray();
        var zValues = z.data<double>().ToArray();

        var (existence, jump) = ScalarLpProblem.Thresholds(Lambda, depth);
        const double Band = 0.1;
        int zeros = 0, nonZeros = 0;
        for (int j = 0; j < Coefficients; j++)
        {
            double a = Math.Abs(zValues[j]);
            if (a > existence - Band && a < jump + Band)
            {
                continue; // near the threshold: gradient methods may stop at the other local minimum
            }

            double expected = ScalarLpProblem.Minimizer(zValues[j], Lambda, depth);
            if (expected == 0)
            {
                zeros++;
                Assert.True(trained[j] == 0.0, $"coefficient {j} (z = {zValues[j]:F3}) should be exactly 0 after collapse, is {trained[j]:G3}");
            }
            else
            {
                nonZeros++;
                Assert.True(Math.Abs(trained[j] - expected) <= 1e-3, $"coefficient {j} (z = {zValues[j]:F3}): DWF {trained[j]:F6}, exact {expected:F6}");
                // Balanced factors at a stationary point: |w_1| = … = |w_D| = |W|^(1/D).
                for (int d = 0; d < depth; d++)
                {
                    double magnitude = factors[d][0, j].item<double>();
                    Assert.Equal(Math.Pow(Math.Abs(trained[j]), 1.0 / depth), magnitude, 1e-4);
                }
            }
        }

        _output.WriteLine($"D={depth}: thresholds existence {existence:F4} jump {jump:F4}; compared {zeros} zero and {nonZeros} non-zero coefficients");
        Assert.True(zeros >= 5 && nonZeros >= 5, "the grid must exercise both sides of the threshold");
    }

    [Fact]
    public void HalfThresholdingJumpMatchesTheKnownClosedForm()
    {
        // Xu et al. (2012): for ½(w − z)² + λ|w|^(1/2) the minimizer jumps at (54^(1/3)/4)·(2λ)^(2/3).
        foreach (double lambda in new[] { 0.1, 0.5, 2.0 })
        {
            double expected = Math.Cbrt(54) / 4 * Math.Pow(2 * lambda, 2.0 / 3);
            Assert.Equal(expected, ScalarLpProblem.Thresholds(lambda, 4).Jump, 1e-9);
        }
    }

    [Fact]
    public void ScalarSolverAgreesWithBruteForceMinimization()
    {
        foreach (int depth in new[] { 2, 3, 4 })
        {
            foreach (double z in new[] { -2.5, -0.9, -0.3, 0.0, 0.4, 0.8, 1.0, 1.7, 3.0 })
            {
                double best = 0, bestValue = double.MaxValue;
                for (int i = -400000; i <= 400000; i++)
                {
                    double w = i * 1e-5;
                    double value = 0.5 * (w - z) * (w - z) + 0.5 * Math.Pow(Math.Abs(w), 2.0 / depth);
                    if (value < bestValue)
                    {
                        bestValue = value;
                        best = w;
                    }
                }

                Assert.Equal(best, ScalarLpProblem.Minimizer(z, 0.5, depth), 2e-5);
            }
        }
    }
}
