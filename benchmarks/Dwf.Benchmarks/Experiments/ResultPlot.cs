using System;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Dwf.Benchmarks.Experiments;

/// <summary>Test accuracy against compression ratio (log axis), every method on one plot.</summary>
public static class ResultPlot
{
    /// <summary>Writes the PNG atomically.</summary>
    public static void Save(string path, string title, System.Collections.Generic.IReadOnlyList<AggregatedRun> runs)
    {
        var plot = new Plot();
        double dense = Summary.DenseAccuracy(runs);
        var palette = new ScottPlot.Palettes.Category10();
        int index = 0;
        foreach (var series in runs.Where(r => r.Spec.Method != Method.Dense).GroupBy(r => r.Series).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = series.Where(r => double.IsFinite(r.MeanRatio)).OrderBy(r => r.MeanRatio).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var xs = points.Select(r => Math.Log10(r.MeanRatio)).ToArray();
            var ys = points.Select(r => r.MeanAccuracy * 100).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = series.Key;
            scatter.Color = palette.GetColor(index++);
            scatter.MarkerSize = 7;
            scatter.LineWidth = series.Key.StartsWith("DWF", StringComparison.Ordinal) ? 2.5f : 1.5f;
        }

        if (!double.IsNaN(dense))
        {
            var line = plot.Add.HorizontalLine(dense * 100);
            line.LegendText = "dense";
            line.Color = Colors.Black;
            line.LinePattern = LinePattern.Dashed;
        }

        plot.Title(title);
        plot.XLabel("compression ratio (log scale)");
        plot.YLabel("test accuracy (%)");
        // Log axis: plot log10(CR) and label 1-2-5 steps per decade with the ratio itself.
        double maxRatio = Math.Max(10, runs.Where(r => double.IsFinite(r.MeanRatio)).Select(r => r.MeanRatio).DefaultIfEmpty(10).Max());
        var ticks = Enumerable.Range(0, (int)Math.Ceiling(Math.Log10(maxRatio)) + 1)
            .SelectMany(k => new[] { 1.0, 2.0, 5.0 }.Select(m => m * Math.Pow(10, k)))
            .Where(v => v <= maxRatio * 2)
            .ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(Math.Log10).ToArray(), ticks.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var finite = runs.Where(r => double.IsFinite(r.MeanRatio)).ToList();
        double low = finite.Count > 0 ? Math.Min(finite.Min(r => r.MeanAccuracy * 100), dense * 100) : 0;
        plot.Axes.SetLimitsY(Math.Max(0, Math.Max(low, dense * 100 - 30) - 1), 100);
        plot.ShowLegend(Alignment.LowerLeft);

        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.png");
        try
        {
            plot.SavePng(temporary, 1000, 650);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
