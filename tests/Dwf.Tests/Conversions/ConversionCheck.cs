using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Conversions;

/// <summary>
/// What every converted model must do: report the hand-counted weights, train (the loss falls on a fixed
/// batch), and collapse to exactly the unannotated twin's state-dict keys and outputs.
/// </summary>
internal static class ConversionCheck
{
    public const long BatchSize = 8;

    public static void Run<TFactorized, TDense>(
        Func<TFactorized> createFactorized,
        Func<TDense> createDense,
        long[] sampleShape,
        long classes,
        IReadOnlyDictionary<string, long> expectedWeights,
        double lr,
        int steps = 6)
        where TFactorized : nn.Module<Tensor, Tensor>, IFactorizedModule
        where TDense : nn.Module<Tensor, Tensor>
    {
        manual_seed(20250101);
        using var model = createFactorized();
        using var twin = createDense();
        using var input = randn(new[] { BatchSize }.Concat(sampleShape).ToArray());
        using var target = randint(classes, new[] { BatchSize }, dtype: ScalarType.Int64);

        AssertWeightCounts(model.Sparsity(), expectedWeights);
        AssertLossFalls(model, input, target, lr, steps);

        var collapsed = model.Collapse();
        Assert.True(model.Factorization.IsCollapsed);
        Assert.Equal(expectedWeights.Values.Sum(), collapsed.TotalWeights);
        Assert.Equal(twin.state_dict().Keys.ToList(), model.state_dict().Keys.ToList());

        twin.load_state_dict(model.state_dict());
        AssertSameOutputs(model, twin, input);
    }

    private static void AssertWeightCounts(SparsityReport report, IReadOnlyDictionary<string, long> expected)
    {
        var actual = report.Layers.ToDictionary(l => l.Path, l => l.TotalWeights);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(a => a.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Values.Sum(), report.TotalWeights);
    }

    private static void AssertLossFalls(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, double lr, int steps)
    {
        using var optimizer = ((IFactorizedModule)model).CreateSgd(lr, momentum: 0.9);
        model.train();
        double initial = Loss(model, input, target);
        for (int step = 0; step < steps; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.cross_entropy(model.call(input), target);
            loss.backward();
            optimizer.step();
        }

        double final = Loss(model, input, target);
        Assert.True(final < initial, $"The loss did not fall in {steps} steps: {initial} -> {final}.");
    }

    private static double Loss(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target)
    {
        using var noGrad = no_grad();
        using var output = model.call(input);
        using var loss = nn.functional.cross_entropy(output, target);
        return loss.item<float>();
    }

    private static void AssertSameOutputs(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor> twin, Tensor input)
    {
        model.eval();
        twin.eval();
        using var noGrad = no_grad();
        using var expected = twin.call(input);
        using var actual = model.call(input);
        double scale = expected.abs().max().item<float>();
        double difference = actual.sub(expected).abs().max().item<float>();
        Assert.True(difference <= 1e-6 * scale, $"Collapsed model and twin differ by {difference} (scale {scale}).");
    }
}
