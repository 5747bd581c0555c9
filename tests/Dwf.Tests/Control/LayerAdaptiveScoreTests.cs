using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Control;

/// <summary>LAMP's score against its closed form, and the invariance that makes it fit layers before a BatchNorm.</summary>
public sealed class LayerAdaptiveScoreTests
{
    [Fact]
    public void MatchesTheClosedFormOnAHandWorkedLayer()
    {
        // squares 9, 1, 4, 0; in descending order 9, 4, 1, 0 with running sums 9, 13, 14, 14.
        using var scope = NewDisposeScope();
        var scores = LayerAdaptiveScore.Of(tensor(new float[] { 3, -1, 2, 0 }).reshape(2, 2)).flatten().data<double>().ToArray();

        var expected = new[] { 1.0, 1.0 / 14.0, 4.0 / 13.0, 0.0 };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], scores[i], 12);
        }
    }

    [Fact]
    public void RescalingALayerLeavesItsScoresUnchanged()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var weight = randn(8, 3, 3, 3);
        var scores = LayerAdaptiveScore.Of(weight);
        using var factor = 32.0.ToScalar(); // a power of two: exact in float32
        var scaled = LayerAdaptiveScore.Of(weight.mul(factor));

        Assert.True(scores.allclose(scaled, rtol: 1e-12, atol: 1e-15));
        Assert.Equal(1.0, scores.max().item<double>(), 12); // the layer's largest weight
    }
}
