using Dwf.Numerics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// Sparsity of a factorized module's weights: per layer and global. Compression ratio CR =
/// total / non-zero weights over the factorized layers (CR 100 = 99 % sparse).
/// </summary>
public sealed record SparsityReport(IReadOnlyList<LayerSparsity> Layers, double Threshold)
{
    /// <summary>Number of factorized weight entries.</summary>
    public long TotalWeights => Layers.Sum(l => l.TotalWeights);

    /// <summary>Entries with |W| ≥ <see cref="Threshold"/>.</summary>
    public long NonZeroWeights => Layers.Sum(l => l.NonZeroWeights);

    /// <summary>TotalWeights / NonZeroWeights (∞ when every entry is zero; 1 for an empty report).</summary>
    public double CompressionRatio => Ratio(TotalWeights, NonZeroWeights);

    /// <summary>Fraction of zero entries.</summary>
    public double Sparsity => TotalWeights == 0 ? 0.0 : 1.0 - (double)NonZeroWeights / TotalWeights;

    /// <summary>The layer with the given path, or <c>null</c>.</summary>
    public LayerSparsity? this[string path] => Layers.FirstOrDefault(l => l.Path == path);

    internal static double Ratio(long total, long nonZero) =>
        total == 0 ? 1.0 : nonZero == 0 ? double.PositiveInfinity : (double)total / nonZero;

    internal static SparsityReport Measure(IReadOnlyList<(string Path, FactorizedWeight Weight)> weights, double threshold)
    {
        var layers = new List<LayerSparsity>(weights.Count);
        using var noGrad = no_grad();
        using var thresholdScalar = threshold.ToScalar();
        foreach (var (path, weight) in weights)
        {
            using var scope = NewDisposeScope();
            var magnitude = weight.Weight.detach().abs().to(float64);
            using var exponent = (2.0 / weight.Depth).ToScalar();
            long nonZero = magnitude.ge(thresholdScalar).sum().item<long>();
            double quasiNorm = magnitude.pow(exponent).sum().item<double>();
            layers.Add(new LayerSparsity(path, weight.Shape, weight.Depth, weight.Lambda, weight.Count, nonZero, quasiNorm, weight.IsCollapsed));
        }

        return new SparsityReport(layers, threshold);
    }

    /// <summary>A fixed-width table: one line per layer and a total line (culture-invariant).</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{"layer",-28} {"shape",-16} {"D",2} {"non-zero",12} {"total",12} {"CR",10} {"‖W‖^(2/D)",12}");
        foreach (var layer in Layers)
        {
            string shape = string.Join("x", layer.Shape.Select(s => s.ToString(c)));
            text.AppendLine(c, $"{layer.Path,-28} {shape,-16} {layer.Depth,2} {layer.NonZeroWeights,12} {layer.TotalWeights,12} {FormatRatio(layer.CompressionRatio),10} {layer.QuasiNorm,12:G4}");
        }

        text.Append(c, $"{"total",-28} {string.Empty,-16} {string.Empty,2} {NonZeroWeights,12} {TotalWeights,12} {FormatRatio(CompressionRatio),10}");
        return text.ToString();
    }

    /// <summary>Formats a compression ratio for display (∞ for an all-zero weight).</summary>
    public static string FormatRatio(double ratio) =>
        double.IsPositiveInfinity(ratio) ? "∞" : ratio.ToString(ratio >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);
}
