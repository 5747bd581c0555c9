using System;
using System.Linq;
using Dwf.Samples.Models.Zoo;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Models;

/// <summary>The model zoo's nets train: one step forward and backward in training mode, plain and factorized.</summary>
public sealed class ZooNetsTests
{
    public static TheoryData<string> Nets => new() { "resnet20", "vgg-bn", "mobilenet", "convbn" };

    [Theory]
    [MemberData(nameof(Nets))]
    public void Every_weight_gets_a_finite_gradient_plain_and_factorized(string net)
    {
        foreach (bool factorized in new[] { false, true })
        {
            using var scope = NewDisposeScope();
            manual_seed(31);
            var model = Create(net);
            if (factorized)
            {
                Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
            }

            model.train();
            var loss = nn.functional.cross_entropy(model.call(randn(4, 1, 28, 28)), randint(0, 10, new long[] { 4 }));
            loss.backward(); // an in-place change of a tensor autograd saved would throw here
            Assert.True(double.IsFinite(loss.item<float>()), $"{net}: loss {loss.item<float>()}");
            // Factorized, the layer's weight is the product and carries the gradient the optimizer maps to the factors.
            var weights = model.modules().Where(m => m is Conv2d or Linear).Select(m => m.named_parameters(recurse: false).First(p => p.name == "weight").parameter).ToList();
            Assert.NotEmpty(weights);
            Assert.All(weights, weight =>
            {
                Assert.NotNull(weight.grad);
                Assert.True(weight.grad!.isfinite().all().item<bool>(), $"{net}: a non-finite gradient");
            });
        }
    }

    private static nn.Module<Tensor, Tensor> Create(string net) => net switch
    {
        "resnet20" => new ResNet20(),
        "vgg-bn" => new VggBn(),
        "mobilenet" => new MobileNetStyle(),
        "convbn" => new ConvBnNet(),
        _ => throw new ArgumentException(net),
    };
}
