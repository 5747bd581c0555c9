using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Training;
using ScottPlot;

namespace Dwf.Samples.Mnist.Plots;

/// <summary>Test accuracy (left axis) and compression ratio (right axis, logarithmic) per epoch.</summary>
internal static class TrainingCurvesPlot
{
    public const string FileName = "accuracy-and-compression.png";

    public static void Save(IReadOnlyList<EpochMetrics> history, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            throw new ArgumentException("No epochs to plot.", nameof(history));
        }

        var plot = new Plot();
        double[] epochs = history.Select(m => (double)m.Epoch).ToArray();

        var accuracy = plot.Add.Scatter(epochs, history.Select(m => 100 * m.TestAccuracy).ToArray());
        accuracy.LegendText = "test accuracy (%)";
        accuracy.Color = PlotStyle.Accuracy;
        accuracy.LineWidth = 2;

        // Log10 of the ratio, labelled as powers of ten; an all-zero layer set (CR = ∞) is drawn at the top.
        double[] crLog = history.Select(m => Log10Ratio(m.CompressionRatio)).ToArray();
        double[] crAt1e3Log = history.Select(m => Log10Ratio(m.CompressionRatioAt1e3)).ToArray();
        var cr = plot.Add.Scatter(epochs, crLog);
        cr.LegendText = "compression ratio (|W| < 1.19e-7 is zero, right axis)";
        cr.Color = PlotStyle.Compression;
        cr.LineWidth = 2;
        cr.Axes.YAxis = plot.Axes.Right;
        var crAt1e3 = plot.Add.Scatter(epochs, crAt1e3Log);
        crAt1e3.LegendText = "compression ratio if |W| < 1e-3 were zero (right axis)";
        crAt1e3.Color = PlotStyle.Compression.WithAlpha(0.45);
        crAt1e3.LinePattern = LinePattern.Dashed;
        crAt1e3.Axes.YAxis = plot.Axes.Right;

        double highLog = Math.Max(1, Math.Ceiling(crLog.Concat(crAt1e3Log).Max()));
        plot.Axes.SetLimitsY(0, highLog, plot.Axes.Right);
        PlotStyle.LogTicks(plot.Axes.Right, 0, highLog);
        plot.Axes.Right.Label.Text = "compression ratio (log scale)";

        double lowAccuracy = Math.Floor(history.Min(m => 100 * m.TestAccuracy) / 5) * 5;
        plot.Axes.SetLimitsY(Math.Min(lowAccuracy, 90), 100, plot.Axes.Left);
        plot.Axes.SetLimitsX(0.5, history[^1].Epoch + 0.5);
        plot.Axes.Left.Label.Text = "test accuracy (%)";
        plot.XLabel("epoch");
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, PlotStyle.Width, PlotStyle.Height);
    }

    private static double Log10Ratio(double ratio) =>
        double.IsPositiveInfinity(ratio) ? 7 : Math.Log10(Math.Max(1, ratio));
}
