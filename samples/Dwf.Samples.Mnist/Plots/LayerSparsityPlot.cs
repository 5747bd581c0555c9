using System;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace Dwf.Samples.Mnist.Plots;

/// <summary>Per-layer compression ratio (logarithmic bars) with each layer's non-zero count and sparsity as labels.</summary>
internal static class LayerSparsityPlot
{
    public const string FileName = "layer-sparsity.png";

    public static void Save(SparsityReport report, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Layers.Count == 0)
        {
            throw new ArgumentException("No factorized layers to plot.", nameof(report));
        }

        var plot = new Plot();
        var layers = report.Layers;
        double[] logs = layers.Select(l => Log10Ratio(l.CompressionRatio)).ToArray();
        var bars = layers.Select((layer, i) => new Bar
        {
            Position = i,
            Value = logs[i],
            ValueBase = 0,
            FillColor = PlotStyle.Compression,
            Label = string.Create(
                CultureInfo.InvariantCulture,
                $"CR {SparsityReport.FormatRatio(layer.CompressionRatio)}\n{layer.NonZeroWeights:N0} / {layer.TotalWeights:N0}\n{100 * layer.Sparsity:F2} % zero"),
        }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 13;

        double global = Log10Ratio(report.CompressionRatio);
        var line = plot.Add.HorizontalLine(global);
        line.LineColor = Colors.Black.WithAlpha(0.35);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"all factorized weights: CR {SparsityReport.FormatRatio(report.CompressionRatio)}");

        double highLog = Math.Ceiling(Math.Max(logs.Max(), global) + 0.6);
        plot.Axes.SetLimitsY(0, highLog);
        PlotStyle.LogTicks(plot.Axes.Left, 0, highLog);
        plot.Axes.Bottom.SetTicks(
            Enumerable.Range(0, layers.Count).Select(i => (double)i).ToArray(),
            layers.Select(l => $"{l.Path}\n{string.Join("×", l.Shape)}").ToArray());
        plot.Axes.SetLimitsX(-0.6, layers.Count - 0.4);
        plot.YLabel("compression ratio = total / non-zero (log scale)");
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, PlotStyle.Width, PlotStyle.Height);
    }

    private static double Log10Ratio(double ratio) =>
        double.IsPositiveInfinity(ratio) ? 7 : Math.Log10(Math.Max(1, ratio));
}
