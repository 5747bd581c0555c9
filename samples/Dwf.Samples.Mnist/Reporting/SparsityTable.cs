using System;
using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace Dwf.Samples.Mnist.Reporting;

/// <summary>The per-layer sparsity table: shape, non-zero weights, compression ratio and ‖W‖_{2/D}^{2/D}.</summary>
internal static class SparsityTable
{
    public static Table Build(SparsityReport report, string title)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }
            .AddColumn("layer")
            .AddColumn("shape")
            .AddColumn(new TableColumn("D").RightAligned())
            .AddColumn(new TableColumn("non-zero").RightAligned())
            .AddColumn(new TableColumn("total").RightAligned())
            .AddColumn(new TableColumn("sparsity").RightAligned())
            .AddColumn(new TableColumn("CR").RightAligned())
            .AddColumn(new TableColumn("Σ|W|^(2/D)").RightAligned());
        table.Caption = new TableTitle("Σ|W|^(2/D) = ‖W‖_{2/D}^{2/D}; CR = total / non-zero");
        foreach (var layer in report.Layers)
        {
            table.AddRow(
                Markup.Escape(layer.Path),
                Shape(layer),
                layer.Depth.ToString(CultureInfo.InvariantCulture),
                NumberFormat.Count(layer.NonZeroWeights),
                NumberFormat.Count(layer.TotalWeights),
                NumberFormat.Percent(layer.Sparsity),
                SparsityReport.FormatRatio(layer.CompressionRatio),
                NumberFormat.Magnitude(layer.QuasiNorm));
        }

        table.AddEmptyRow();
        table.AddRow(
            "[bold]total[/]",
            string.Empty,
            string.Empty,
            $"[bold]{NumberFormat.Count(report.NonZeroWeights)}[/]",
            $"[bold]{NumberFormat.Count(report.TotalWeights)}[/]",
            $"[bold]{NumberFormat.Percent(report.Sparsity)}[/]",
            $"[bold]{SparsityReport.FormatRatio(report.CompressionRatio)}[/]",
            $"[bold]{NumberFormat.Magnitude(report.Layers.Sum(l => l.QuasiNorm))}[/]");
        return table;
    }

    /// <summary>E.g. "300×784".</summary>
    public static string Shape(LayerSparsity layer) =>
        string.Join("×", layer.Shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}
