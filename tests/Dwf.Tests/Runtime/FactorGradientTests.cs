using System;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Runtime;

/// <summary>
/// The chain rule through W = ⊙ w_d (done by the optimizer from ∂L/∂W) must give exactly the factor
/// gradients that autograd gives through an explicit product.
/// </summary>
public sealed class FactorGradientTests
{
    public enum LayerKind { Linear, Conv2d, Embedding }

    public static TheoryData<LayerKind, int, ScalarType, bool> Cases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType, bool>();
        foreach (var kind in Enum.GetValues<LayerKind>())
        {
            for (int depth = 2; depth <= 5; depth++)
            {
                foreach (bool fused in new[] { false, true })
                {
                    data.Add(kind, depth, ScalarType.Float32, fused);
                    data.Add(kind, depth, ScalarType.Float64, fused);
                }
            }
        }

        return data;
    }

    // fused = false: the general path (tensor ops) leaves ∂L/∂w_d in each factor's .grad (lr 0, no update).
    // fused = true: the fused CPU kernel never materializes .grad, so one plain step with lr 1 and no
    // decay or momentum reveals it as w_d(before) − w_d(after).
    [Theory]
    [MemberData(nameof(Cases))]
    public void FactorGradientsEqualAutogradThroughExplicitProduct(LayerKind kind, int depth, ScalarType dtype, bool fused)
    {
        using var scope = NewDisposeScope();
        manual_seed(1234 + depth);
        var (model, input, reference) = Build(kind, dtype);
        var factorization = Factorized.Attach(model, depth, lambda: fused ? 0.0 : 0.01, field: "layer");
        var weight = factorization.Weights.Single();
        var leaves = Enumerable.Range(0, depth).Select(d => weight.Factor(d).detach().clone().requires_grad_()).ToArray();

        // Our path: ordinary backward to the layer weight, then the optimizer's chain rule.
        // The chain rule alone: no effective-rate bound (EffectiveRateBoundTests covers it).
        var optimizer = factorization.CreateSgd(lr: fused ? 1.0 / DepthLearningRate.Multiplier(depth) : 0.0, effective_lr_cap: double.PositiveInfinity);
        optimizer.UseFusedKernel = fused;
        optimizer.zero_grad();
        Loss(model.call(input)).backward();
        optimizer.step();
        var gradients = Enumerable.Range(0, depth)
            .Select(d => fused ? leaves[d].detach().sub(weight.Factor(d)) : weight.Factor(d).grad!)
            .ToArray();

        // Independent path: autograd through the explicit product of leaf copies.
        var product = leaves[0];
        for (int d = 1; d < depth; d++)
        {
            product = product.mul(leaves[d]);
        }

        Loss(reference(input, product)).backward();

        // The fused check subtracts two O(1) numbers to get the gradient, so float32 loses a few digits there.
        double tolerance = dtype == ScalarType.Float64 ? 1e-10 : fused ? 1e-4 : 1e-5;
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(leaves[d].grad!, gradients[d], tolerance, $"{kind} D={depth} factor {d} gradient");
        }

        if (fused)
        {
            Assert.All(Enumerable.Range(0, depth), d => Assert.Null(weight.Factor(d).grad));
        }
    }

    // A loss with non-trivial gradients everywhere: a fixed linear functional plus a quadratic.
    internal static Tensor Loss(Tensor output)
    {
        using var generator = new Generator(99);
        var direction = rand(output.shape, dtype: output.dtype, generator: generator).sub(0.5);
        return output.mul(direction).sum().add(output.square().sum().mul(0.5));
    }

    internal static (Module<Tensor, Tensor> Model, Tensor Input, Func<Tensor, Tensor, Tensor> Reference) Build(LayerKind kind, ScalarType dtype)
    {
        switch (kind)
        {
            case LayerKind.Linear:
            {
                var layer = Linear(12, 7, dtype: dtype);
                var bias = layer.bias!.detach().clone();
                return (new SingleLayer(layer), randn(5, 12, dtype: dtype), (x, w) => functional.linear(x, w, bias.detach()));
            }

            case LayerKind.Conv2d:
            {
                var layer = Conv2d(3, 4, 3, padding: 1, dtype: dtype);
                var bias = layer.bias!.detach().clone();
                return (new SingleLayer(layer), randn(2, 3, 6, 6, dtype: dtype), (x, w) => functional.conv2d(x, w, bias.detach(), padding: new long[] { 1, 1 }));
            }

            default:
            {
                var layer = Embedding(11, 5, dtype: dtype);
                var tokens = randint(0, 11, new long[] { 4, 6 }, dtype: int64);
                return (new SingleLayer(layer), tokens, (t, w) => w.index_select(0, t.flatten()).reshape(t.shape[0], t.shape[1], w.shape[1]));
            }
        }
    }
}
