using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace Dwf.Samples.Mnist.Plots;

/// <summary>
/// Histogram of log10|W| over the factorized weights at initialization and after collapse, counts on a log
/// scale; the exact zeros of the collapsed model get their own bar left of the axis break, labelled "= 0".
/// </summary>
internal static class WeightHistogramPlot
{
    public const string FileName = "weight-histogram.png";

    // The zero bar stands this far (log10 units) left of the first magnitude bin.
    private const double ZeroBarGap = 0.8;

    public static void Save(LogMagnitudeHistogram initial, LogMagnitudeHistogram collapsed, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(collapsed);
        var plot = new Plot();
        AddSeries(plot, initial, PlotStyle.Initial, $"at initialization: {Describe(initial)}");
        AddSeries(plot, collapsed, PlotStyle.Collapsed, $"after collapse: {Describe(collapsed)}");

        double zeroPosition = Math.Min(initial.Low, collapsed.Low) - ZeroBarGap;
        foreach (var (histogram, color) in new[] { (initial, PlotStyle.Initial), (collapsed, PlotStyle.Zeros) })
        {
            if (histogram.Zeros > 0)
            {
                plot.Add.Bars(new[]
                {
                    new Bar
                    {
                        Position = zeroPosition,
                        Value = Math.Log10(histogram.Zeros),
                        ValueBase = BarBase,
                        Size = 0.4,
                        FillColor = color,
                        Label = histogram.Zeros.ToString("N0", CultureInfo.InvariantCulture) + " zeros",
                    },
                });
            }
        }

        long largest = new[] { initial, collapsed }.SelectMany(h => h.Counts.Append(h.Zeros)).Max();
        double highLog = Math.Ceiling(Math.Log10(Math.Max(10, largest)) + 0.3);
        plot.Axes.SetLimitsY(BarBase, highLog);
        PlotStyle.LogTicks(plot.Axes.Left, 0, highLog);

        double high = Math.Max(initial.High, collapsed.High);
        var ticks = new List<(double Position, string Label)> { (zeroPosition, "= 0") };
        for (int k = (int)Math.Ceiling(Math.Min(initial.Low, collapsed.Low)); k <= Math.Floor(high); k++)
        {
            ticks.Add((k, "1e" + k.ToString(CultureInfo.InvariantCulture)));
        }

        plot.Axes.Bottom.SetTicks(ticks.Select(t => t.Position).ToArray(), ticks.Select(t => t.Label).ToArray());
        plot.Axes.SetLimitsX(zeroPosition - 0.5, high + 0.2);
        plot.XLabel("|W| (log scale; exact zeros on the left)");
        plot.YLabel("number of weights (log scale)");
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, PlotStyle.Width, PlotStyle.Height);
    }

    // Bars start slightly below log10(1) = 0 so that a bin holding a single weight is still visible.
    private const double BarBase = -0.3;

    private static void AddSeries(Plot plot, LogMagnitudeHistogram histogram, Color color, string legend)
    {
        var bars = new List<Bar>();
        for (int i = 0; i < histogram.Counts.Count; i++)
        {
            if (histogram.Counts[i] > 0)
            {
                bars.Add(new Bar
                {
                    Position = histogram.Centre(i),
                    Value = Math.Log10(histogram.Counts[i]),
                    ValueBase = BarBase,
                    Size = histogram.BinWidth,
                    FillColor = color,
                    LineWidth = 0,
                });
            }
        }

        var series = plot.Add.Bars(bars);
        series.LegendText = legend;
    }

    private static string Describe(LogMagnitudeHistogram histogram) => string.Create(
        CultureInfo.InvariantCulture,
        $"{histogram.Total - histogram.Zeros:N0} non-zero, {histogram.Zeros:N0} exactly zero");
}
