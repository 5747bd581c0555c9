using System.Globalization;
using Dwf.Samples.Mnist.Reporting;
using Dwf.Training;

namespace Dwf.Samples.Mnist.Progress;

/// <summary>The one-line summary of an epoch, shared by the live and the plain progress display.</summary>
internal static class EpochLine
{
    /// <summary>
    /// E.g. "epoch  3/30  loss 0.1234  test acc 97.12 %  CR 45.2  (at |W| &lt; 1e-3: 80.1)  lr 0.4567  2.9 s", and with a target
    /// "... CR 45.2 → target 100 (projected 88.1, λ 2.1e-4)  (at |W| &lt; 1e-3: 80.1) ...".
    /// </summary>
    public static string Format(EpochMetrics metrics, int epochs)
    {
        int width = epochs.ToString(CultureInfo.InvariantCulture).Length;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {metrics.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{epochs}  loss {metrics.TrainLoss:F4}  test acc {NumberFormat.Percent(metrics.TestAccuracy)}  " +
            $"CR {SparsityReport.FormatRatio(metrics.CompressionRatio)}{Target(metrics)}  (at |W| < 1e-3: {SparsityReport.FormatRatio(metrics.CompressionRatioAt1e3)})  " +
            $"lr {NumberFormat.Compact(metrics.LearningRate)}  {metrics.Seconds:F1} s");
    }

    /// <summary>" → target 100 (projected 88.1, λ 2.1e-4)" when λ is steered to a target; empty otherwise.</summary>
    public static string Target(EpochMetrics metrics) => metrics.TargetCompression is double target
        ? string.Create(CultureInfo.InvariantCulture, $" → target {SparsityReport.FormatRatio(target)} (projected {SparsityReport.FormatRatio(metrics.ProjectedCompression ?? 1)}, λ {NumberFormat.Compact(metrics.Lambda ?? 0)})")
        : string.Empty;

}
