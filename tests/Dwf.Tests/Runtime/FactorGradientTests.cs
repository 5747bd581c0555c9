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

    public static TheoryData<LayerKind, int, ScalarType> Cases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType>();
        foreach (var kind in Enum.GetValues<LayerKind>())
        {
            for (int depth = 2; depth <= 5; depth++)
            {
                data.Add(kind, depth, ScalarType.Float32);
                data.Add(kind, depth, ScalarType.Float64);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FactorGradientsEqualAutogradThroughExplicitProduct(LayerKind kind, int depth, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(1234 + depth);
        var (model, input, reference) = Build(kind, dtype);
        var factorization = Factorized.Attach(model, depth, lambda: 0.01, field: "layer");
        var weight = factorization.Weights.Single();
        var leaves = Enumerable.Range(0, depth).Select(d => weight.Factor(d).detach().clone().requires_grad_()).ToArray();

        // Our path: ordinary backward to the layer weight, then the optimizer's chain rule (lr 0: no update).
        var optimizer = factorization.CreateSgd(lr: 0.0);
        optimizer.zero_grad();
        Loss(model.call(input)).backward();
        optimizer.step();

        // Independent path: autograd through the explicit product of leaf copies.
        var product = leaves[0];
        for (int d = 1; d < depth; d++)
        {
            product = product.mul(leaves[d]);
        }

        Loss(reference(input, product)).backward();

        double tolerance = dtype == ScalarType.Float64 ? 1e-10 : 1e-5;
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(leaves[d].grad!, weight.Factor(d).grad!, tolerance, $"{kind} D={depth} factor {d} gradient");
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
                var bias = layer.bias!;
                return (new SingleLayer(layer), randn(5, 12, dtype: dtype), (x, w) => functional.linear(x, w, bias.detach()));
            }

            case LayerKind.Conv2d:
            {
                var layer = Conv2d(3, 4, 3, padding: 1, dtype: dtype);
                var bias = layer.bias!;
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
