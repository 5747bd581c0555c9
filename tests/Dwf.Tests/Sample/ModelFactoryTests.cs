using System.Linq;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Mnist.Models;
using Dwf.Samples.Models;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Sample;

/// <remarks>Seeds TorchSharp's global generator, so not in parallel with the sample runs.</remarks>
[Collection(nameof(SampleRunTests))]
public sealed class ModelFactoryTests
{
    [Theory]
    [InlineData("lenet300")]
    [InlineData("lenet5")]
    public void The_annotated_class_is_used_at_its_depth_with_lambda_set_at_run_time(string name)
    {
        Assert.True(ModelNames.TryParseModel(name, out var kind));
        using var model = ModelFactory.CreateFactorized(kind, SampleDefaults.Depth, lambda: 4.5e-4);

        Assert.IsAssignableFrom<IFactorizedModule>(model.Module);
        Assert.StartsWith("Factorized", model.Construction);
        Assert.All(model.Factorization.Weights, w => Assert.Equal(4.5e-4, w.Lambda));
        Assert.All(model.Factorization.Weights, w => Assert.Equal(SampleDefaults.Depth, w.Depth));
        Assert.Equal(kind == ModelKind.LeNet300, model.FlattenInputs);
    }

    [Fact]
    public void Another_depth_attaches_the_runtime_to_the_plain_class()
    {
        using var model = ModelFactory.CreateFactorized(ModelKind.LeNet5, depth: 4, lambda: 2e-4);

        Assert.IsType<LeNet5>(model.Module);
        Assert.Equal(4, model.Factorization.Weights.Count);
        Assert.All(model.Factorization.Weights, w => Assert.Equal((4, 2e-4), (w.Depth, w.Lambda)));
    }

    [Fact]
    public void Annotated_class_and_plain_class_with_the_same_plan_start_from_the_same_weights_for_a_seed()
    {
        // Why the sample may use either construction: both draw layer weights, then factors, in the same order.
        manual_seed(11);
        using var annotated = new FactorizedLeNet300();
        manual_seed(11);
        using var plain = new LeNet300();
        Factorization.Attach(plain, new FactorizationPlan(new FactorizationOptions { Depth = SampleDefaults.Depth }));

        var expected = annotated.state_dict();
        var actual = plain.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, entry => Assert.True(entry.Value.eq(actual[entry.Key]).all().item<bool>(), $"{entry.Key} differs"));
    }
}
