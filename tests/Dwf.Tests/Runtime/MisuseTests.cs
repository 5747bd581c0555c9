using System;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>Misuse fails loudly, with a message that says what, where and how to fix it.</summary>
public sealed class MisuseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public void DepthBelowTwoIsRejectedNamingThePlan(int depth)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationPlan(new FactorizationOptions { Depth = depth }, "LeNet300"));
        Assert.Contains("LeNet300", error.Message);
        Assert.Contains("Depth must be at least 2", error.Message);
    }

    [Theory]
    [InlineData(-1e-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NegativeOrNonFiniteLambdaIsRejected(double lambda)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationPlan(new FactorizationOptions { Lambda = lambda }, "Net"));
        Assert.Contains("Lambda must be finite and ≥ 0", error.Message);
        using var scope = NewDisposeScope();
        var factorization = Factorized.Attach(new TwoLayerMlp(), 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => factorization.SetLambda(lambda));
    }

    [Fact]
    public void InvalidInitializationOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationPlan(new FactorizationOptions { InitTruncation = 2.0 }));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FactorizationPlan(new FactorizationOptions { InitStd = InitStd.Fixed }));
        Assert.Contains("InitStdValue", error.Message);
    }

    [Fact]
    public void FactorizeOnANormalizationLayerFieldIsRejected()
    {
        using var scope = NewDisposeScope();
        var model = new SingleLayer(nn.BatchNorm1d(4));
        var error = Assert.Throws<InvalidOperationException>(() => Factorization.Attach(model, new FactorizationPlan(null, "Net").Field("layer")));
        Assert.Contains("Net.layer", error.Message);
        Assert.Contains("BatchNorm1d", error.Message);
        Assert.Contains("Remove the attribute", error.Message);
    }

    [Fact]
    public void FactorizeOnAnUnregisteredFieldIsRejected()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<InvalidOperationException>(() => Factorization.Attach(new TwoLayerMlp(), new FactorizationPlan(null, "Net").Field("missing")));
        Assert.Contains("'missing'", error.Message);
        Assert.Contains("RegisterComponents()", error.Message);
    }

    [Fact]
    public void CollapseAfterTheWeightWasChangedBehindTheFactorsBackFailsAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3);

        // An optimizer that does not know the factors trains the layer weights directly.
        var plain = optim.SGD(model.parameters(), 0.5);
        plain.zero_grad();
        model.call(randn(4, 20)).square().sum().backward();
        plain.step();

        var error = Assert.Throws<InvalidOperationException>(() => factorization.Collapse());
        Assert.Contains("fc1.weight", error.Message);
        Assert.Contains("CreateSgd", error.Message);
        Assert.Contains("FactorizeFromCurrentWeights()", error.Message);
        Assert.False(factorization.IsCollapsed);

        // The documented fix works.
        factorization.FactorizeFromCurrentWeights();
        factorization.Collapse();
        Assert.True(factorization.IsCollapsed);
    }

    [Fact]
    public void AnOptimizerCreatedBeforeMovingTheModelRefusesToStep()
    {
        using var scope = NewDisposeScope();
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3);
        var optimizer = factorization.CreateSgd(lr: 0.1);
        model.to(float64);
        model.call(randn(2, 20, dtype: float64)).sum().backward();
        var error = Assert.Throws<InvalidOperationException>(() => optimizer.step());
        Assert.Contains(".to(", error.Message);
        Assert.Contains("Create the optimizer after moving the model", error.Message);
    }

    [Fact]
    public void StepAfterCollapseIsRejected()
    {
        using var scope = NewDisposeScope();
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3);
        var optimizer = factorization.CreateSgd(lr: 0.1);
        factorization.Collapse();
        var error = Assert.Throws<InvalidOperationException>(() => optimizer.step());
        Assert.Contains("collapsed", error.Message);
    }

    [Fact]
    public void ReservedStoreNameConflictIsReported()
    {
        using var scope = NewDisposeScope();
        var model = new TwoLayerMlp();
        model.register_module(Factorization.StoreName, nn.Linear(2, 2));
        var error = Assert.Throws<InvalidOperationException>(() => Factorized.Attach(model, 3));
        Assert.Contains("dwf_factors", error.Message);
    }

    [Fact]
    public void NegativeCollapseThresholdIsRejected()
    {
        using var scope = NewDisposeScope();
        var factorization = Factorized.Attach(new TwoLayerMlp(), 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => factorization.Collapse(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => factorization.Sparsity(double.NaN));
    }
}
