using System;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace Dwf.Samples.Mnist.Plots;

/// <summary>Sizes, colours and the logarithmic-axis helper shared by the sample's plots.</summary>
internal static class PlotStyle
{
    public const int Width = 900;

    public const int Height = 560;

    public static readonly Color Accuracy = Color.FromHex("#1f77b4");

    public static readonly Color Compression = Color.FromHex("#d62728");

    public static readonly Color Initial = Color.FromHex("#1f77b4").WithAlpha(0.55);

    public static readonly Color Collapsed = Color.FromHex("#ff7f0e").WithAlpha(0.75);

    public static readonly Color Zeros = Color.FromHex("#7f7f7f");

    /// <summary>
    /// ScottPlot 5 has no logarithmic axis: the plots draw log10 of the value and label the axis with
    /// 10^k ticks (1, 10, 100, 1k, ...) from <paramref name="lowLog"/> to <paramref name="highLog"/>.
    /// </summary>
    public static void LogTicks(IAxis axis, double lowLog, double highLog)
    {
        ArgumentNullException.ThrowIfNull(axis);
        int first = (int)Math.Floor(lowLog);
        int last = (int)Math.Ceiling(highLog);
        var positions = Enumerable.Range(first, last - first + 1).Select(k => (double)k).ToArray();
        axis.SetTicks(positions, positions.Select(p => PowerOfTen((int)p)).ToArray());
    }

    /// <summary>E.g. "1", "10", "1k", "100k", "1M", "0.01".</summary>
    public static string PowerOfTen(int exponent) => exponent switch
    {
        >= 6 => Math.Pow(10, exponent - 6).ToString("0", CultureInfo.InvariantCulture) + "M",
        >= 3 => Math.Pow(10, exponent - 3).ToString("0", CultureInfo.InvariantCulture) + "k",
        >= 0 => Math.Pow(10, exponent).ToString("0", CultureInfo.InvariantCulture),
        _ => "1e" + exponent.ToString(CultureInfo.InvariantCulture),
    };
}
