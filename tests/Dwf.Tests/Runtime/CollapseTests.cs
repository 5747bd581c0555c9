using System.IO;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>Collapse turns a factorized module back into an ordinary one.</summary>
public sealed class CollapseTests
{
    [Fact]
    public void OutputsAreUnchangedWhenNoWeightFallsBelowTheThreshold()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3);
        var input = randn(8, 20);
        var before = model.call(input).detach().clone();
        var report = factorization.Collapse();
        Assert.Equal(report.TotalWeights, report.NonZeroWeights);
        TensorAssert.RelativelyClose(before, model.call(input), 1e-6, "outputs after collapse");
        Assert.True(factorization.IsCollapsed);
    }

    [Fact]
    public void EntriesBelowTheThresholdBecomeExactZerosAndOthersKeepTheirProduct()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3);
        var weight = factorization.Weights.First(w => w.Path == "fc1.weight");
        using (no_grad())
        {
            // |W| = 1e-9 · |w_2 w_3| ≪ 1.19e-7 for the first row.
            weight.Factor(0)[0].fill_(1e-9f);
            weight.Weight.copy_(weight.Product());
        }

        var expected = weight.Product();
        factorization.Collapse();
        var collapsed = weight.Weight.detach();
        Assert.Equal(0L, collapsed[0].count_nonzero().item<long>());
        Assert.True(collapsed[1..].eq(expected[1..]).all().item<bool>(), "rows above the threshold keep the exact product");
        Assert.Equal(collapsed.numel() - collapsed.shape[1], collapsed.count_nonzero().item<long>());
    }

    [Fact]
    public void StateDictKeysEqualThoseOfTheUnfactorizedModule()
    {
        using var scope = NewDisposeScope();
        var plain = new SequentialConvNet();
        var model = new SequentialConvNet();
        var factorization = Factorized.Attach(model, 3);
        var factorizedKeys = model.state_dict().Keys.ToList();
        Assert.Contains("dwf_factors.features.0.weight.2", factorizedKeys);
        Assert.Contains("dwf_factors.classifier.weight.0", factorizedKeys);

        factorization.Collapse();
        Assert.Equal(plain.state_dict().Keys.OrderBy(k => k), model.state_dict().Keys.OrderBy(k => k));
    }

    [Fact]
    public void SavedCollapsedModelLoadsIntoThePlainClassWithTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var model = new SequentialConvNet();
        var factorization = Factorized.Attach(model, 4);
        factorization.Collapse();
        model.eval();
        var input = randn(3, 1, 8, 8);
        var expected = model.call(input).detach().clone();

        string path = Path.Combine(Path.GetTempPath(), $"dwf-collapse-{System.Guid.NewGuid():N}.dat");
        try
        {
            model.save(path);
            var plain = new SequentialConvNet();
            plain.load(path);
            plain.eval();
            TensorAssert.RelativelyClose(expected, plain.call(input), 1e-7, "plain model loaded from the collapsed checkpoint");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConvertingToFloat64ThenTrainingWorks()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = new TwoLayerMlp();
        var factorization = Factorized.Attach(model, 3, lambda: 1e-4);
        model.to(float64);
        Assert.All(factorization.Weights, w => Assert.Equal(ScalarType.Float64, w.Factor(0).dtype));
        factorization.EnsureConsistent();

        var input = randn(64, 20, dtype: float64);
        var target = randn(64, 5, dtype: float64);
        var optimizer = factorization.CreateSgd(lr: 0.05, momentum: 0.9);
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(input), target);
            loss.backward();
            optimizer.step();
            if (step == 0)
            {
                first = loss.item<double>();
            }

            last = loss.item<double>();
        }

        Assert.True(last < 0.9 * first, $"loss should decrease: {first} -> {last}");
        factorization.EnsureConsistent();
        factorization.Collapse();
        Assert.Equal(ScalarType.Float64, model.parameters().First().dtype);
    }
}
