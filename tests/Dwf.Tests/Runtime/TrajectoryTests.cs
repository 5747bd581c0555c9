using System.Collections.Generic;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static Dwf.Tests.Runtime.FactorGradientTests;

namespace Dwf.Tests.Runtime;

/// <summary>
/// 50 steps of SGD with momentum on the factorized model follow the same trajectory as plain TorchSharp
/// SGD on leaf factors with an explicit product in the forward pass.
/// </summary>
public sealed class TrajectoryTests
{
    public enum Variant { Momentum, Nesterov, Dampening, Plain }

    public static TheoryData<LayerKind, int, ScalarType, Variant, bool> Cases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType, Variant, bool>();
        foreach (var kind in new[] { LayerKind.Linear, LayerKind.Conv2d })
        {
            for (int depth = 2; depth <= 4; depth++)
            {
                foreach (bool fused in new[] { true, false })
                {
                    data.Add(kind, depth, ScalarType.Float64, Variant.Momentum, fused);
                    data.Add(kind, depth, ScalarType.Float32, Variant.Momentum, fused);
                }
            }
        }

        foreach (var variant in new[] { Variant.Nesterov, Variant.Dampening, Variant.Plain })
        {
            foreach (bool fused in new[] { true, false })
            {
                data.Add(LayerKind.Linear, 3, ScalarType.Float64, variant, fused);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiftyMomentumStepsMatchExplicitProductTraining(LayerKind kind, int depth, ScalarType dtype, Variant variant, bool fused)
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

        for (int step = 0; step < 50; step++)
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
            TensorAssert.RelativelyClose(leaves[d], weight.Factor(d), tolerance, $"factor {d} after 50 steps");
        }

        TensorAssert.RelativelyClose(referenceBias, bias, tolerance, "bias after 50 steps");
        var explicitProduct = leaves.Skip(1).Aggregate((Tensor)leaves[0], (p, f) => p.mul(f));
        TensorAssert.RelativelyClose(explicitProduct, weight.Weight, tolerance, "layer weight = product after 50 steps");
    }

    private static Tensor ReferenceWithBias(LayerKind kind, Tensor input, Tensor weight, Tensor bias, System.Func<Tensor, Tensor, Tensor> _) =>
        kind == LayerKind.Linear
            ? nn.functional.linear(input, weight, bias)
            : nn.functional.conv2d(input, weight, bias, padding: new long[] { 1, 1 });
}
