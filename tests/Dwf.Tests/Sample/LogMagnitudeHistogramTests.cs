using System.Linq;
using Dwf.Samples.Mnist.Plots;
using Xunit;

namespace Dwf.Tests.Sample;

public sealed class LogMagnitudeHistogramTests
{
    [Fact]
    public void Zeros_are_counted_apart_and_magnitudes_fall_into_tenth_of_a_decade_bins()
    {
        float[] values = { 0f, -0f, 0.012f, -0.0125f, 0.5f, 0f, 2e-7f };
        var (low, high) = LogMagnitudeHistogram.CommonRange(values);
        var histogram = LogMagnitudeHistogram.Of(values, low, high);

        Assert.Equal(3, histogram.Zeros);
        Assert.Equal(7, histogram.Total);
        Assert.Equal(-6.7, low, 9); // log10(2e-7) = -6.699
        Assert.True(high > System.Math.Log10(0.5));
        Assert.Equal(4, histogram.Counts.Sum());
        int bin = (int)System.Math.Floor((-1.95 - low) / 0.1);
        Assert.Equal(2, histogram.Counts[bin]); // 0.012 and -0.0125 share the bin [10^-2, 10^-1.9)
        Assert.Equal(1, histogram.Counts[0]);
        Assert.Equal(1, histogram.Counts[^1]);
    }

    [Fact]
    public void A_common_range_covers_every_snapshot_so_their_bins_line_up()
    {
        float[] initial = { 0.02f, 0.1f };
        float[] collapsed = { 0f, 2e-5f, 0.3f };
        var (low, high) = LogMagnitudeHistogram.CommonRange(initial, collapsed);

        var a = LogMagnitudeHistogram.Of(initial, low, high);
        var b = LogMagnitudeHistogram.Of(collapsed, low, high);

        Assert.Equal(-4.7, low, 9); // log10(2e-5) = -4.699
        Assert.Equal(a.Counts.Count, b.Counts.Count);
        Assert.Equal(0, a.Zeros);
        Assert.Equal(1, b.Zeros);
        Assert.Equal(1, b.Counts[0]);
    }

    [Fact]
    public void Only_zeros_still_give_a_usable_range()
    {
        var (low, high) = LogMagnitudeHistogram.CommonRange(new float[] { 0f, 0f });
        var histogram = LogMagnitudeHistogram.Of(new float[] { 0f, 0f }, low, high);

        Assert.True(high > low);
        Assert.Equal(2, histogram.Zeros);
        Assert.Equal(0, histogram.Counts.Sum());
    }
}
