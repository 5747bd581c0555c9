using System;
using System.IO;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

public sealed class SparsityAndSerializationTests
{
    [Fact]
    public void SparsityReportCountsAndQuasiNormMatchAnIndependentComputation()
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        var model = new TwoLayerMlp(dtype: ScalarType.Float64);
        var factorization = Factorized.Attach(model, 3);
        using (no_grad())
        {
            var w = factorization.Weights[0];
            w.Factor(1)[..5].fill_(1e-12); // five rows → below the threshold
            w.Weight.copy_(w.Product());
        }

        var report = factorization.Sparsity();
        var values = factorization.Weights[0].Weight.detach().data<double>().ToArray();
        long nonZero = values.Count(v => Math.Abs(v) >= 1.19e-7);
        double quasiNorm = values.Sum(v => Math.Pow(Math.Abs(v), 2.0 / 3));

        var layer = report["fc1.weight"]!;
        Assert.Equal(20 * 16, layer.TotalWeights);
        Assert.Equal(nonZero, layer.NonZeroWeights);
        Assert.Equal(20 * 16 - 5 * 20, layer.NonZeroWeights);
        Assert.Equal(quasiNorm, layer.QuasiNorm, 1e-9 * quasiNorm);
        Assert.Equal(20 * 16 + 16 * 5, report.TotalWeights);
        Assert.Equal((double)report.TotalWeights / report.NonZeroWeights, report.CompressionRatio, 1e-12);
        Assert.Contains("fc1.weight", report.ToString(), StringComparison.Ordinal);

        // Read-only: measuring changed nothing.
        Assert.Equal(values, factorization.Weights[0].Weight.detach().data<double>().ToArray());
    }

    [Fact]
    public void AFactorizedCheckpointRoundTripsWithItsFactors()
    {
        using var scope = NewDisposeScope();
        manual_seed(32);
        var source = new SequentialConvNet();
        var factorization = Factorized.Attach(source, 3);
        var optimizer = factorization.CreateSgd(lr: 0.05, momentum: 0.9);
        var input = randn(4, 1, 8, 8);
        for (int i = 0; i < 3; i++)
        {
            optimizer.zero_grad();
            source.call(input).square().mean().backward();
            optimizer.step();
        }

        source.eval();
        var expected = source.call(input).detach().clone();
        string path = Path.Combine(Path.GetTempPath(), $"dwf-factorized-{Guid.NewGuid():N}.dat");
        try
        {
            source.save(path);
            manual_seed(99); // different random factors before loading
            var target = new SequentialConvNet();
            var targetFactorization = Factorized.Attach(target, 3);
            target.load(path);
            target.eval();
            targetFactorization.EnsureConsistent();
            TensorAssert.RelativelyClose(expected, target.call(input), 1e-7, "outputs after load");
            foreach (var (a, b) in factorization.Weights.Zip(targetFactorization.Weights))
            {
                Assert.True(a.Factor(2).eq(b.Factor(2)).all().item<bool>());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainAndEvalModesPassThrough()
    {
        using var scope = NewDisposeScope();
        var model = new SequentialConvNet();
        Factorized.Attach(model, 3);
        model.eval();
        Assert.All(model.modules(), m => Assert.False(m.training));
        model.train();
        Assert.All(model.modules(), m => Assert.True(m.training));
    }

    [Fact]
    public void EmbeddingFactorsFollowDtypeConversion()
    {
        using var scope = NewDisposeScope();
        manual_seed(33);
        var model = new EmbeddingNet();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }).Field("embedding"));
        model.to(float64);
        factorization.EnsureConsistent();
        var tokens = randint(0, 30, new long[] { 4, 5 }, dtype: int64);
        var optimizer = factorization.CreateSgd(lr: 0.1);
        optimizer.zero_grad();
        model.call(tokens).sum().backward();
        optimizer.step();
        factorization.EnsureConsistent();
        Assert.Equal(ScalarType.Float64, factorization.Weights.Single(w => w.Path == "embedding.weight").Factor(0).dtype);
    }
}
