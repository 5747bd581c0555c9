using System;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static Dwf.Tests.Runtime.FactorGradientTests;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>
/// The effective-rate bound of <see cref="FactorizedSgd"/>: each entry's factor update (gradient and weight decay)
/// is scaled by P = min(1, c / Σ_d Π_{k≠d} w_k²), c = cap × dense rate / factor rate. Checked against an independent
/// computation: autograd through an explicit product, P computed from the leaves by its definition, plain SGD.
/// </summary>
public sealed class EffectiveRateBoundTests
{
    public static TheoryData<LayerKind, int, ScalarType, bool> Cases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType, bool>();
        foreach (var kind in new[] { LayerKind.Linear, LayerKind.Conv2d })
        {
            for (int depth = 2; depth <= 5; depth++)
            {
                foreach (bool fused in new[] { true, false })
                {
                    data.Add(kind, depth, ScalarType.Float64, fused);
                    data.Add(kind, depth, ScalarType.Float32, fused);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiftyBoundedMomentumStepsMatchAnIndependentReference(LayerKind kind, int depth, ScalarType dtype, bool fused)
    {
        using var scope = NewDisposeScope();
        // Small enough that the enlarged conv weights do not diverge; c = cap / multiplier does not depend on it.
        const double DenseLr = 0.002;
        const double Lambda = 0.05;
        const double Momentum = 0.9;
        const double Cap = 0.5;
        double factorLr = DenseLr * DepthLearningRate.Multiplier(depth);
        double coefficient = Cap * DenseLr / factorLr;
        manual_seed(91 + depth);
        var (model, input, _) = Build(kind, dtype);
        var factorization = Factorized.Attach(model, depth, Lambda, field: "layer");
        var weight = factorization.Weights.Single();
        Enlarge(weight, depth);

        // The reference: leaf factors, an explicit product, autograd, P from its definition, SGD without weight decay
        // on the factors (P scales it: added by hand); the bias trains as the model's dense group does.
        var bias = (TorchSharp.Modules.Parameter)model.named_parameters().Single(p => p.name == "layer.bias").parameter;
        var leaves = Enumerable.Range(0, depth).Select(d => new TorchSharp.Modules.Parameter(weight.Factor(d).detach().clone())).ToArray();
        var referenceBias = new TorchSharp.Modules.Parameter(bias.detach().clone());
        var referenceOptimizer = optim.SGD(
            new[]
            {
                new TorchSharp.Modules.SGD.ParamGroup(leaves, lr: factorLr, momentum: Momentum),
                new TorchSharp.Modules.SGD.ParamGroup(new[] { referenceBias }, lr: DenseLr, momentum: Momentum),
            },
            DenseLr,
            Momentum);
        var optimizer = factorization.CreateSgd(lr: DenseLr, momentum: Momentum, effective_lr_cap: Cap);
        optimizer.UseFusedKernel = fused;
        double boundedShare = 0;

        for (int step = 0; step < 50; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            Loss(model.call(input)).backward();
            optimizer.step();

            referenceOptimizer.zero_grad();
            var product = leaves.Skip(1).Aggregate((Tensor)leaves[0], (p, f) => p.mul(f));
            Loss(Forward(kind, input, product, referenceBias)).backward();
            using (no_grad())
            {
                var sum = zeros_like(leaves[0]);
                for (int d = 0; d < depth; d++)
                {
                    var others = ones_like(leaves[0]);
                    for (int k = 0; k < depth; k++)
                    {
                        if (k != d)
                        {
                            others = others.mul(leaves[k]);
                        }
                    }

                    sum = sum.add(others.square());
                }

                var scale = sum.reciprocal().mul(coefficient).clamp_max(1.0);
                boundedShare = Math.Max(boundedShare, scale.lt(1.0).to(float64).mean().item<double>());
                foreach (var leaf in leaves)
                {
                    leaf.grad!.add_(leaf.mul(2 * Lambda / depth)).mul_(scale);
                }
            }

            referenceOptimizer.step();
        }

        // The bound must have acted on a good share of the entries, or this test would not test it.
        Assert.True(boundedShare > 0.2, $"only {boundedShare:P0} of the entries were bounded");
        double tolerance = dtype == ScalarType.Float64 ? 1e-9 : 2e-4;
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(leaves[d], weight.Factor(d), tolerance, $"factor {d} after 50 steps");
        }

        TensorAssert.RelativelyClose(referenceBias, bias, tolerance, "bias after 50 steps");
    }

    [Fact]
    public void WithTheBoundOffTheStepIsPlainSgdAndWithItLargeWeightsMoveNoFasterThanDenseOnes()
    {
        using var scope = NewDisposeScope();
        // A tiny rate keeps the second-order terms of the product negligible; the bound does not depend on it.
        const double DenseLr = 1e-5;
        manual_seed(5);
        (nn.Module<Tensor, Tensor> Model, FactorizedWeight Weight, Tensor Before) Make()
        {
            manual_seed(5);
            var (model, _, _) = Build(LayerKind.Linear, ScalarType.Float64);
            var weight = Factorized.Attach(model, 3, lambda: 0, field: "layer").Weights.Single();
            Enlarge(weight, 3);
            return (model, weight, weight.Weight.detach().clone());
        }

        var (_, input, _) = Build(LayerKind.Linear, ScalarType.Float64);
        foreach (double cap in new[] { double.PositiveInfinity, 1.0 })
        {
            var (model, weight, before) = Make();
            var optimizer = Factorization.Find(model)!.CreateSgd(lr: DenseLr, effective_lr_cap: cap);
            optimizer.zero_grad();
            Loss(model.call(input)).backward();
            var gradient = weight.Weight.grad!.detach().clone();
            optimizer.step();

            // First order: ΔW ≈ −η_eff · ∂L/∂W with η_eff = factor rate · S · P; the bound means η_eff ≤ cap × dense rate.
            var moved = weight.Weight.detach().sub(before).abs();
            var unbounded = gradient.abs().mul(DenseLr);
            if (double.IsPositiveInfinity(cap))
            {
                Assert.True(moved.gt(unbounded.mul(3)).any().item<bool>(), "without the bound, large weights move faster than dense ones");
            }
            else
            {
                // 1 % slack for the second-order terms of the product.
                Assert.True(moved.le(unbounded.mul(1.01).add(1e-12)).all().item<bool>(), "with the bound, no weight moves faster than a dense weight at the dense rate");
            }
        }
    }

    [Fact]
    public void A_cap_that_is_not_positive_is_refused_with_the_fix()
    {
        var (model, _, _) = Build(LayerKind.Linear, ScalarType.Float32);
        var factorization = Factorized.Attach(model, 3, field: "layer");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => factorization.CreateSgd(lr: 0.1, effective_lr_cap: 0));
        Assert.Contains("double.PositiveInfinity", error.Message, StringComparison.Ordinal);
    }

    // Factors ×1.6: |W| grows by 1.6^D, so that many entries exceed the bound from the first step.
    private static void Enlarge(FactorizedWeight weight, int depth)
    {
        using var noGrad = no_grad();
        for (int d = 0; d < depth; d++)
        {
            weight.Factor(d).mul_(1.6);
        }

        weight.Weight.copy_(weight.Product());
    }

    private static Tensor Forward(LayerKind kind, Tensor input, Tensor weight, Tensor bias) =>
        kind == LayerKind.Linear ? nn.functional.linear(input, weight, bias) : nn.functional.conv2d(input, weight, bias, padding: new long[] { 1, 1 });
}
