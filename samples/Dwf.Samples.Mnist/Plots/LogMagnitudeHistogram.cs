using System;
using System.Collections.Generic;

namespace Dwf.Samples.Mnist.Plots;

/// <summary>
/// Counts of log10|w| in equal bins, with exact zeros counted separately (they have no logarithm, and after
/// collapse they are most of the weights).
/// </summary>
/// <param name="Low">Lower edge of the first bin (log10 units).</param>
/// <param name="BinWidth">Bin width (log10 units).</param>
/// <param name="Counts">Non-zero weights per bin.</param>
/// <param name="Zeros">Weights that are exactly 0.</param>
internal sealed record LogMagnitudeHistogram(double Low, double BinWidth, IReadOnlyList<long> Counts, long Zeros)
{
    /// <summary>Bins per decade used by the sample's plot.</summary>
    public const int BinsPerDecade = 10;

    /// <summary>Upper edge of the last bin.</summary>
    public double High => Low + BinWidth * Counts.Count;

    /// <summary>All weights counted (non-zero and zero).</summary>
    public long Total
    {
        get
        {
            long sum = Zeros;
            foreach (long count in Counts)
            {
                sum += count;
            }

            return sum;
        }
    }

    /// <summary>Centre of bin <paramref name="index"/>.</summary>
    public double Centre(int index) => Low + BinWidth * (index + 0.5);

    /// <summary>
    /// Bins on whole-bin boundaries (<see cref="BinsPerDecade"/> per decade) that cover the non-zero magnitudes of
    /// every snapshot, so that histograms of several snapshots share their bins.
    /// </summary>
    public static (double Low, double High) CommonRange(params float[][] snapshots)
    {
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (var values in snapshots)
        {
            foreach (float value in values)
            {
                if (value != 0 && float.IsFinite(value))
                {
                    double log = Math.Log10(Math.Abs(value));
                    min = Math.Min(min, log);
                    max = Math.Max(max, log);
                }
            }
        }

        if (double.IsPositiveInfinity(min))
        {
            return (-1, 0); // only zeros: any range will do
        }

        double low = Math.Floor(min * BinsPerDecade) / BinsPerDecade;
        double high = Math.Floor(max * BinsPerDecade) / BinsPerDecade + 1.0 / BinsPerDecade; // the maximum falls inside the last bin
        return (low, high);
    }

    /// <summary>Histogram of <paramref name="values"/> over [<paramref name="low"/>, <paramref name="high"/>); out-of-range magnitudes go to the nearest end bin.</summary>
    public static LogMagnitudeHistogram Of(ReadOnlySpan<float> values, double low, double high)
    {
        if (!(high > low))
        {
            throw new ArgumentException($"The range [{low}, {high}) is empty.", nameof(high));
        }

        double width = 1.0 / BinsPerDecade;
        int bins = Math.Max(1, (int)Math.Round((high - low) / width));
        var counts = new long[bins];
        long zeros = 0;
        foreach (float value in values)
        {
            if (value == 0)
            {
                zeros++;
                continue;
            }

            if (!float.IsFinite(value))
            {
                continue;
            }

            int bin = (int)Math.Floor((Math.Log10(Math.Abs(value)) - low) / width);
            counts[Math.Clamp(bin, 0, bins - 1)]++;
        }

        return new LogMagnitudeHistogram(low, width, counts, zeros);
    }
}
