using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Dwf.Training;

namespace Dwf.Samples.Mnist.Output;

/// <summary>The numbers behind the plots as CSV (invariant culture), for comparing runs.</summary>
internal static class MetricsCsv
{
    public const string EpochsFileName = "epochs.csv";

    public const string LayersFileName = "layers.csv";

    public static void WriteEpochs(IReadOnlyList<EpochMetrics> history, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder("epoch,train_loss,test_loss,test_accuracy,compression_ratio,compression_ratio_at_1e-3,learning_rate,seconds\n");
        foreach (var m in history)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{m.Epoch},{m.TrainLoss:R},{m.TestLoss:R},{m.TestAccuracy:R},{Ratio(m.CompressionRatio)},{Ratio(m.CompressionRatioAt1e3)},{m.LearningRate:R},{m.Seconds:F3}");
        }

        File.WriteAllText(path, text.ToString());
    }

    public static void WriteLayers(SparsityReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder("layer,shape,depth,lambda,non_zero,total,compression_ratio,quasi_norm\n");
        foreach (var layer in report.Layers)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{layer.Path},{string.Join("x", layer.Shape)},{layer.Depth},{layer.Lambda:R},{layer.NonZeroWeights},{layer.TotalWeights},{Ratio(layer.CompressionRatio)},{layer.QuasiNorm:R}");
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string Ratio(double ratio) =>
        double.IsPositiveInfinity(ratio) ? "inf" : ratio.ToString("R", CultureInfo.InvariantCulture);
}
