using System;
using System.Linq;
using Dwf.Samples.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Runtime;

/// <summary>
/// <see cref="LambdaScaling.FanIn"/>: λ_l = λ · (fan_in_l / largest fan_in)^(1/D_l), against the closed form with fan-ins
/// counted by hand; kept by <see cref="Factorization.SetLambda"/> and by the compression controller.
/// </summary>
public sealed class LambdaScalingTests
{
    // LeNet-5 (Caffe): conv1 1·5·5, conv2 20·5·5, fc1 800 (the largest), fc2 500.
    private static readonly (string Path, double FanIn)[] LeNet5FanIns = { ("conv1.weight", 25), ("conv2.weight", 500), ("fc1.weight", 800), ("fc2.weight", 500) };

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Each_layer_gets_lambda_times_its_fan_in_ratio_to_the_power_one_over_depth(int depth)
    {
        using var model = new LeNet5();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = depth, Lambda = 4e-4, LambdaScaling = LambdaScaling.FanIn }));

        Assert.Equal(LeNet5FanIns.Select(e => e.Path).Order(), factorization.Weights.Select(w => w.Path).Order());
        foreach (var (path, fanIn) in LeNet5FanIns)
        {
            var weight = factorization.Weights.Single(w => w.Path == path);
            double factor = Math.Pow(fanIn / 800, 1.0 / depth);
            Assert.Equal(factor, weight.LambdaFactor, 14);
            Assert.Equal(4e-4 * factor, weight.Lambda, 15);
        }
    }

    [Fact]
    public void Uniform_is_the_default_and_leaves_every_lambda_as_resolved()
    {
        using var model = new LeNet5();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Lambda = 4e-4 }));
        Assert.All(factorization.Weights, w => Assert.Equal((4e-4, 1.0), (w.Lambda, w.LambdaFactor)));
    }

    [Fact]
    public void A_fields_own_lambda_and_depth_are_scaled_with_that_fields_depth()
    {
        using var model = new LeNet5();
        var plan = new FactorizationPlan(new FactorizationOptions { Depth = 3, Lambda = 4e-4, LambdaScaling = LambdaScaling.FanIn })
            .Field("conv2", new FactorizationOptions { Depth = 2, Lambda = 1e-3 });
        var factorization = Factorization.Attach(model, plan);

        Assert.Equal(1e-3 * Math.Sqrt(500.0 / 800), factorization.Weights.Single(w => w.Path == "conv2.weight").Lambda, 15);
        Assert.Equal(4e-4 * Math.Cbrt(25.0 / 800), factorization.Weights.Single(w => w.Path == "conv1.weight").Lambda, 15);
    }

    [Fact]
    public void A_factorized_bias_is_scaled_by_its_layers_weight_fan_in()
    {
        using var model = new LeNet300();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3, Lambda = 1e-3, FactorizeBias = true, LambdaScaling = LambdaScaling.FanIn }));

        // fc2's weight is 100×300 and its bias has 100 entries: both are scaled by 300 / 784 (fc1's 784 is the largest).
        Assert.Equal(1e-3 * Math.Cbrt(300.0 / 784), factorization.Weights.Single(w => w.Path == "fc2.bias").Lambda, 15);
        Assert.Equal(1e-3 * Math.Cbrt(300.0 / 784), factorization.Weights.Single(w => w.Path == "fc2.weight").Lambda, 15);
        Assert.Equal(1e-3, factorization.Weights.Single(w => w.Path == "fc1.bias").Lambda, 15);
    }

    [Fact]
    public void SetLambda_and_the_compression_controller_keep_the_ratios_between_layers()
    {
        using var model = new LeNet300();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3, LambdaScaling = LambdaScaling.FanIn }));

        factorization.SetLambda(2e-3);
        Assert.Equal(2e-3 * Math.Cbrt(100.0 / 784), factorization.Weights.Single(w => w.Path == "fc3.weight").Lambda, 15);
        Assert.Equal(2e-3, factorization.Weights.Single(w => w.Path == "fc1.weight").Lambda, 15);

        using var optimizer = factorization.CreateSgd(lr: 0.1, momentum: 0.9);
        var controller = factorization.CreateCompressionController(optimizer, total_steps: 1000, target_compression: 50);
        // The controller starts from the plan's λ (the default, scaled per layer) × its initial scale.
        foreach (var weight in factorization.Weights)
        {
            Assert.Equal(FactorizationDefaults.Lambda * weight.LambdaFactor * controller.LambdaScale, weight.Lambda, 15);
        }

        Assert.Equal(FactorizationDefaults.Lambda * controller.LambdaScale, controller.Lambda, 15); // the model's λ, not fc1's share
    }

    [Fact]
    public void A_field_level_scaling_or_an_undefined_value_is_refused_with_the_fix()
    {
        var onField = Assert.Throws<ArgumentException>(() => new FactorizationPlan(name: "Net").Field("fc1", new FactorizationOptions { LambdaScaling = LambdaScaling.FanIn }));
        Assert.Contains("Net.fc1", onField.Message, StringComparison.Ordinal);
        Assert.Contains("class's [Factorize]", onField.Message, StringComparison.Ordinal);

        var undefined = Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationPlan(new FactorizationOptions { LambdaScaling = (LambdaScaling)7 }, "Net"));
        Assert.Contains("Uniform or FanIn", undefined.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generator_passes_the_class_level_setting_to_the_runtime()
    {
        using var model = new FanInNet();
        var factorization = Factorization.Find(model)!;

        // conv: 1·3·3 = 9, fc: 4·6·6 = 144 (the largest).
        Assert.Equal(2e-4 * Math.Cbrt(9.0 / 144), factorization.Weights.Single(w => w.Path == "conv.weight").Lambda, 15);
        Assert.Equal(2e-4, factorization.Weights.Single(w => w.Path == "fc.weight").Lambda, 15);
    }
}

[Factorize(Depth = 3, Lambda = 2e-4, LambdaScaling = LambdaScaling.FanIn)]
internal sealed partial class FanInNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv = Conv2d(1, 4, 3);
    private readonly Linear fc = Linear(4 * 6 * 6, 10);

    public FanInNet()
        : base(nameof(FanInNet)) => RegisterComponents();

    public override Tensor forward(Tensor x) => fc.call(conv.call(x).flatten(1));
}
