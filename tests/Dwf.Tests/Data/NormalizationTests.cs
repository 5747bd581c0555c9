using System;
using System.Linq;
using Dwf.Data;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Data;

public sealed class NormalizationTests
{
    [Fact]
    public void Compute_returns_population_mean_and_std_per_channel()
    {
        // Channel 0 holds 0, 1 (mean 0.5, population std 0.5); channel 1 holds 0.2 everywhere
        // except one 1.0 among 8 values (mean 0.3, std sqrt(0.07)).
        using var images = zeros(4, 2, 1, 2);
        images[.., 0, 0, 0] = tensor(new float[] { 0, 1, 0, 1 });
        images[.., 0, 0, 1] = tensor(new float[] { 1, 0, 1, 0 });
        images[.., 1] = full(new long[] { 4, 1, 2 }, 0.2f);
        images[3, 1, 0, 1] = tensor(1.0f);

        var normalization = Normalization.Compute(images);

        Assert.Equal(2, normalization.Channels);
        Assert.Equal(0.5, normalization.Mean[0], 6);
        Assert.Equal(0.5, normalization.Std[0], 6);
        Assert.Equal(0.3, normalization.Mean[1], 6);
        Assert.Equal(Math.Sqrt(0.07), normalization.Std[1], 6);
    }

    [Fact]
    public void Apply_makes_a_synthetic_set_zero_mean_unit_std_in_place()
    {
        using var generator = new TorchSharp.torch.Generator(1234);
        using var images = rand(new long[] { 5000, 3, 4, 4 }, generator: generator);
        images[.., 1].mul_(0.5).add_(0.25);
        images[.., 2].pow_(3);
        var normalization = Normalization.Compute(images);

        var result = normalization.Apply(images);

        Assert.Same(images, result);
        var after = Normalization.Compute(images);
        Assert.All(after.Mean, m => Assert.Equal(0.0, m, 4));
        Assert.All(after.Std, s => Assert.Equal(1.0, s, 4));
        // Means of U(0,1), 0.5·U + 0.25 and U³ are 1/2, 1/2 and 1/4 (80 000 samples per channel).
        Assert.Equal(0.5, normalization.Mean[0], 0.01);
        Assert.Equal(0.5, normalization.Mean[1], 0.01);
        Assert.Equal(0.25, normalization.Mean[2], 0.01);
    }

    [Fact]
    public void Apply_maps_known_pixels_with_the_mnist_constants()
    {
        using var images = tensor(new float[] { 0f, 1f, 0.5f }).reshape(1, 1, 1, 3);

        Normalization.Mnist.Apply(images);

        float[] values = images.data<float>().ToArray();
        Assert.Equal((0 - 0.1307) / 0.3081, values[0], 5);
        Assert.Equal((1 - 0.1307) / 0.3081, values[1], 5);
        Assert.Equal((0.5 - 0.1307) / 0.3081, values[2], 5);
    }

    [Fact]
    public void Documented_constants_are_exposed()
    {
        Assert.Equal(new[] { 0.1307 }, Normalization.Mnist.Mean);
        Assert.Equal(new[] { 0.3081 }, Normalization.Mnist.Std);
        Assert.Equal(new[] { 0.2860 }, Normalization.FashionMnist.Mean);
        Assert.Equal(new[] { 0.3530 }, Normalization.FashionMnist.Std);
        Assert.Equal("mean (0.1307), std (0.3081)", Normalization.Mnist.ToString());
    }

    [Fact]
    public void Mismatched_channels_and_bad_values_are_rejected()
    {
        using var rgb = zeros(2, 3, 2, 2);

        Assert.Throws<ArgumentException>(() => Normalization.Mnist.Apply(rgb));
        Assert.Throws<ArgumentException>(() => new Normalization(0.5, 0.0));
        Assert.Throws<ArgumentException>(() => new Normalization(new[] { 0.1, 0.2 }, new[] { 1.0 }));
        using var integers = zeros(new long[] { 2, 1, 2, 2 }, dtype: ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => Normalization.Compute(integers));
    }

    [Fact]
    public void Dataset_refuses_to_normalize_twice()
    {
        using var dataset = new ImageClassificationDataset("synthetic", ones(3, 1, 2, 2), zeros(3, dtype: ScalarType.Int64), 2);

        dataset.Normalize(new Normalization(0.5, 0.25));

        Assert.Equal(2.0f, dataset.Images[0, 0, 0, 0].item<float>(), 6);
        Assert.Throws<InvalidOperationException>(() => dataset.Normalize(Normalization.Mnist));
    }
}
