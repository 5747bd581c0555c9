using System.Collections.Generic;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static Dwf.Tests.Runtime.FactorGradientTests;

namespace Dwf.Tests.Runtime;

/// <summary>
/// SGD on the factorized model follows the same trajectory as plain TorchSharp SGD on leaf factors with an explicit
/// product in the forward pass: 50 momentum steps for Linear and Conv2d at D = 2..5 in float32 and float64, 50 steps
/// of the Nesterov, dampened and plain variants at D = 3, and 500 momentum and Nesterov steps at every D = 2..5; each
/// on the fused CPU kernel and on the general path (tensor operations, what runs off the CPU). The effective-rate
/// bound is off here (plain SGD); EffectiveRateBoundTests and GeneralPathTests cover it.
/// </summary>
public sealed class TrajectoryTests
{
    public enum Variant { Momentum, Nesterov, Dampening, Plain }

    private const int Short = 50;

    private const int Long = 500;

    public static TheoryData<LayerKind, int, ScalarType, Variant, bool, int> Cases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType, Variant, bool, int>();
        foreach (var kind in new[] { LayerKind.Linear, LayerKind.Conv2d })
        {
            for (int depth = 2; depth <= 5; depth++)
            {
                foreach (bool fused in new[] { true, false })
                {
                    data.Add(kind, depth, ScalarType.Float64, Variant.Momentum, fused, Short);
                    data.Add(kind, depth, ScalarType.Float32, Variant.Momentum, fused, Short);
                }
            }
        }

        foreach (var variant in new[] { Variant.Nesterov, Variant.Dampening, Variant.Plain })
        {
            foreach (bool fused in new[] { true, false })
            {
                data.Add(LayerKind.Linear, 3, ScalarType.Float64, variant, fused, Short);
            }
        }

        // Long runs: every depth, momentum and Nesterov, both paths.
        for (int depth = 2; depth <= 5; depth++)
        {
            foreach (var variant in new[] { Variant.Momentum, Variant.Nesterov })
            {
                foreach (bool fused in new[] { true, false })
                {
                    data.Add(LayerKind.Linear, depth, ScalarType.Float64, variant, fused, Long);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MomentumStepsMatchExplicitProductTraining(LayerKind kind, int depth, ScalarType dtype, Variant variant, bool fused, int steps)
    {
        using var scope = NewDisposeScope();
        // The factor groups train at 0.01 whatever the depth multiplier; the bias at 0.01 / multiplier.
        double Lr = 0.01 / DepthLearningRate.Multiplier(depth);
        const double Lambda = 0.05;
        double Momentum = variant == Variant.Plain ? 0.0 : 0.9;
        double dampening = variant == Variant.Dampening ? 0.3 : 0.0;
        bool nesterov = variant == Variant.Nesterov;
        manual_seed(77 + depth);
        var (model, input, reference) = Build(kind, dtype);
        var factorization = Factorized.Attach(model, depth, Lambda, field: "layer");
        var weight = factorization.Weights.Single();
        var bias = (TorchSharp.Modules.Parameter)model.named_parameters().Single(p => p.name == "layer.bias").parameter;

        var leaves = Enumerable.Range(0, depth).Select(d => new TorchSharp.Modules.Parameter(weight.Factor(d).detach().clone())).ToArray();
        var referenceBias = new TorchSharp.Modules.Parameter(bias.detach().clone());
        double factorLr = Lr * DepthLearningRate.Multiplier(depth);
        var referenceOptimizer = optim.SGD(
            new[]
            {
                new TorchSharp.Modules.SGD.ParamGroup(leaves, lr: factorLr, momentum: Momentum, dampening: dampening, weight_decay: 2 * Lambda / depth, nesterov: nesterov),
                new TorchSharp.Modules.SGD.ParamGroup(new[] { referenceBias }, lr: Lr, momentum: Momentum, dampening: dampening, nesterov: nesterov),
            },
            Lr,
            Momentum);
        // Plain SGD on the factors: the effective-rate bound (EffectiveRateBoundTests) is off.
        var optimizer = factorization.CreateSgd(lr: Lr, momentum: Momentum, nesterov: nesterov, dampening: dampening, effective_lr_cap: double.PositiveInfinity);
        optimizer.UseFusedKernel = fused;

        for (int step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            Loss(model.call(input)).backward();
            optimizer.step();

            referenceOptimizer.zero_grad();
            var product = leaves.Skip(1).Aggregate((Tensor)leaves[0], (p, f) => p.mul(f));
            Loss(ReferenceWithBias(kind, input, product, referenceBias, reference)).backward();
            referenceOptimizer.step();
        }

        double tolerance = dtype == ScalarType.Float64 ? 1e-10 : 1e-4;
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(leaves[d], weight.Factor(d), tolerance, $"factor {d} after {steps} steps");
        }

        TensorAssert.RelativelyClose(referenceBias, bias, tolerance, $"bias after {steps} steps");
        var explicitProduct = leaves.Skip(1).Aggregate((Tensor)leaves[0], (p, f) => p.mul(f));
        TensorAssert.RelativelyClose(explicitProduct, weight.Weight, tolerance, $"layer weight = product after {steps} steps");
    }

    private static Tensor ReferenceWithBias(LayerKind kind, Tensor input, Tensor weight, Tensor bias, System.Func<Tensor, Tensor, Tensor> _) =>
        kind == LayerKind.Linear
            ? nn.functional.linear(input, weight, bias)
            : nn.functional.conv2d(input, weight, bias, padding: new long[] { 1, 1 });
}
