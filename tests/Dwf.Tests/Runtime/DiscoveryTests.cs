using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>Which weights a plan factorizes, through TorchSharp's containers and custom modules.</summary>
public sealed class DiscoveryTests
{
    private static string[] Paths(Factorization factorization) => factorization.Weights.Select(w => w.Path).OrderBy(p => p).ToArray();

    [Fact]
    public void SequentialLayersAreFactorizedAndNormalizationIsNot()
    {
        using var scope = NewDisposeScope();
        var factorization = Factorized.Attach(new SequentialConvNet(), 3);
        Assert.Equal(new[] { "classifier.weight", "features.0.weight", "features.3.weight" }, Paths(factorization));
    }

    [Fact]
    public void ModuleListModuleDictAndCustomSubmodulesAreWalked()
    {
        using var scope = NewDisposeScope();
        var factorization = Factorized.Attach(new ContainerNet(), 3);
        Assert.Equal(
            new[] { "blocks.0.proj.weight", "blocks.1.proj.weight", "heads.aux.weight", "heads.main.weight" },
            Paths(factorization));
    }

    [Fact]
    public void CustomParametersAreFactorizedOnlyWhenListed()
    {
        using var scope = NewDisposeScope();
        var plan = new FactorizationPlan(new FactorizationOptions { Depth = 2 }).Parameter("blocks.1.gate", new FactorizationOptions { Depth = 4 });
        var factorization = Factorization.Attach(new ContainerNet(), plan);
        var gate = factorization.Weights.Single(w => w.Path == "blocks.1.gate");
        Assert.Equal(4, gate.Depth);
        Assert.DoesNotContain(factorization.Weights, w => w.Path == "blocks.0.gate");
    }

    [Fact]
    public void DenseFieldsAndFieldOverridesAreHonoured()
    {
        using var scope = NewDisposeScope();
        var plan = new FactorizationPlan(new FactorizationOptions { Depth = 3, Lambda = 1e-4 })
            .Dense("classifier")
            .Field("features", new FactorizationOptions { Depth = 4 });
        var factorization = Factorization.Attach(new SequentialConvNet(), plan);
        Assert.Equal(new[] { "features.0.weight", "features.3.weight" }, Paths(factorization));
        Assert.All(factorization.Weights, w => Assert.Equal(4, w.Depth));
        Assert.All(factorization.Weights, w => Assert.Equal(1e-4, w.Lambda)); // inherited from the class level
    }

    [Fact]
    public void EmbeddingsNeedAnExplicitFieldRule()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(new[] { "readout.weight" }, Paths(Factorized.Attach(new EmbeddingNet(), 3)));
        var explicitPlan = new FactorizationPlan(new FactorizationOptions { Depth = 3 }).Field("embedding");
        Assert.Equal(new[] { "embedding.weight", "readout.weight" }, Paths(Factorization.Attach(new EmbeddingNet(), explicitPlan)));
    }

    [Fact]
    public void BiasesAreFactorizedOnlyOnRequest()
    {
        using var scope = NewDisposeScope();
        var factorization = Factorization.Attach(new TwoLayerMlp(), new FactorizationPlan(new FactorizationOptions { FactorizeBias = true }));
        Assert.Equal(new[] { "fc1.bias", "fc1.weight", "head.bias", "head.weight" }, Paths(factorization));
    }

    [Fact]
    public void AttachingTwiceReturnsTheSameFactorization()
    {
        using var scope = NewDisposeScope();
        var model = new TwoLayerMlp();
        var first = Factorized.Attach(model, 3);
        var second = Factorized.Attach(model, 4);
        Assert.Same(first, second);
        Assert.Equal(2 * 3, model.named_parameters().Count(p => p.name.StartsWith(Factorization.StoreName + ".", System.StringComparison.Ordinal)));
    }

    [Fact]
    public void ASubmoduleWithItsOwnFactorizationKeepsItAndIsIncludedInTheParent()
    {
        using var scope = NewDisposeScope();
        var inner = new TwoLayerMlp();
        Factorized.Attach(inner, 4);
        var outer = new SingleLayer(inner);
        var factorization = Factorized.Attach(outer, 2);
        Assert.Empty(factorization.OwnWeights);
        Assert.Equal(2, factorization.Weights.Count);
        Assert.All(factorization.Weights, w => Assert.Equal(4, w.Depth));
        Assert.Equal(new[] { "layer.fc1.weight", "layer.head.weight" }, factorization.Sparsity().Layers.Select(l => l.Path).ToArray());
        Assert.Contains("layer.dwf_factors.fc1.weight.3", outer.state_dict().Keys);

        factorization.Collapse();
        Assert.DoesNotContain(outer.state_dict().Keys, k => k.Contains(Factorization.StoreName, System.StringComparison.Ordinal));
    }
}
