using System;
using Dwf.Samples.Mnist.Reporting;
using Xunit;

namespace Dwf.Tests.Sample;

public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(1.19e-7, "1.19e-7")]
    [InlineData(3e-4, "3e-4")]
    [InlineData(9.999e-4, "1e-3")]
    [InlineData(0.5, "5e-1")]
    public void Scientific_has_no_padded_exponent(double value, string expected) =>
        Assert.Equal(expected, NumberFormat.Scientific(value));

    [Fact]
    public void Counts_percentages_durations_and_plurals_read_the_same_everywhere()
    {
        Assert.Equal("266,200", NumberFormat.Count(266_200));
        Assert.Equal("99.06 %", NumberFormat.Percent(0.99055));
        Assert.Equal("0.4358", NumberFormat.Compact(0.435812));
        Assert.Equal("5.61e-6", NumberFormat.Compact(5.609e-6));
        Assert.Equal("12,345", NumberFormat.Magnitude(12_345.4));
        Assert.Equal("213.7", NumberFormat.Magnitude(213.71));
        Assert.Equal("1 min 52 s", NumberFormat.Duration(TimeSpan.FromSeconds(112.4)));
        Assert.Equal("48.3 s", NumberFormat.Duration(TimeSpan.FromSeconds(48.29)));
        Assert.Equal("1 epoch", NumberFormat.Plural(1, "epoch"));
        Assert.Equal("469 batches", NumberFormat.Plural(469, "batch", "batches"));
    }
}
