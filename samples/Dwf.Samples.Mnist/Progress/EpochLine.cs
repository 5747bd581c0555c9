using System.Globalization;
using Dwf.Samples.Mnist.Reporting;
using Dwf.Training;

namespace Dwf.Samples.Mnist.Progress;

/// <summary>The one-line summary of an epoch, shared by the live and the plain progress display.</summary>
internal static class EpochLine
{
    /// <summary>E.g. "epoch  3/30  loss 0.1234  test acc 97.12 %  CR 45.2  (at |W| &lt; 1e-3: 80.1)  lr 0.4567  2.9 s".</summary>
    public static string Format(EpochMetrics metrics, int epochs)
    {
        int width = epochs.ToString(CultureInfo.InvariantCulture).Length;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {metrics.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{epochs}  loss {metrics.TrainLoss:F4}  test acc {NumberFormat.Percent(metrics.TestAccuracy)}  " +
            $"CR {SparsityReport.FormatRatio(metrics.CompressionRatio)}  (at |W| < 1e-3: {SparsityReport.FormatRatio(metrics.CompressionRatioAt1e3)})  " +
            $"lr {NumberFormat.Compact(metrics.LearningRate)}  {metrics.Seconds:F1} s");
    }

}
