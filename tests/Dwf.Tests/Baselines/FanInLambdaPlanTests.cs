using System;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Samples.Models;
using Xunit;

namespace Dwf.Tests.Baselines;

/// <summary>The harness's per-layer λ study (<c>--layer-lambda fan-in</c>): λ_l = λ · (fan_in_l / max fan-in)^(1/D).</summary>
public sealed class FanInLambdaPlanTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void Each_layer_of_LeNet5_gets_lambda_times_its_fan_in_ratio_to_the_power_one_over_depth(int depth)
    {
        using var model = new LeNet5();
        var plan = Nets.FanInLambdaPlan(model, new FactorizationOptions { Depth = depth, Lambda = 4e-4 }, "lenet5");
        var factorization = Factorization.Attach(model, plan);

        // Fan-ins by hand: conv1 1·5·5, conv2 20·5·5, fc1 800 (the largest), fc2 500.
        var expected = new (string Path, double FanIn)[] { ("conv1.weight", 25), ("conv2.weight", 500), ("fc1.weight", 800), ("fc2.weight", 500) };
        var lambdas = factorization.Weights.ToDictionary(w => w.Path, w => w.Lambda);
        Assert.Equal(expected.Select(e => e.Path).Order(), lambdas.Keys.Order());
        foreach (var (path, fanIn) in expected)
        {
            Assert.Equal(4e-4 * Math.Pow(fanIn / 800, 1.0 / depth), lambdas[path], 12);
            Assert.Equal(depth, factorization.Weights.Single(w => w.Path == path).Depth);
        }
    }

    [Fact]
    public void Without_a_lambda_the_layers_scale_the_default_so_the_controller_keeps_their_ratios()
    {
        using var model = new LeNet300();
        var factorization = Factorization.Attach(model, Nets.FanInLambdaPlan(model, new FactorizationOptions { Depth = 3 }, "lenet300"));

        var lambdas = factorization.Weights.ToDictionary(w => w.Path, w => w.Lambda);
        Assert.Equal(FactorizationDefaults.Lambda, lambdas["fc1.weight"], 15); // fan-in 784, the largest
        Assert.Equal(FactorizationDefaults.Lambda * Math.Cbrt(300.0 / 784), lambdas["fc2.weight"], 15);
        Assert.Equal(FactorizationDefaults.Lambda * Math.Cbrt(100.0 / 784), lambdas["fc3.weight"], 15);
    }
}
