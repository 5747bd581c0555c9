using System;
using System.Globalization;

namespace Dwf.Samples.Mnist.Reporting;

/// <summary>How the sample prints numbers: the same on every machine, whatever its culture.</summary>
internal static class NumberFormat
{
    /// <summary>E.g. "97.12 %".</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + " %";

    /// <summary>E.g. "266,200".</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>E.g. "1.19e-7", "3e-4": scientific notation without the padded exponent of .NET's "E" format.</summary>
    public static string Scientific(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        double mantissa = Math.Round(value / Math.Pow(10, exponent), 2);
        if (Math.Abs(mantissa) >= 10)
        {
            mantissa /= 10;
            exponent++;
        }

        return mantissa.ToString("0.##", CultureInfo.InvariantCulture) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Plain decimals for ordinary magnitudes, scientific notation for tiny ones (e.g. the end of a cosine schedule).</summary>
    public static string Compact(double value) =>
        value != 0 && Math.Abs(value) < 1e-3 ? Scientific(value) : value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>‖W‖_{2/D}^{2/D} and similar sums: thousands separated above 1000, four significant digits below.</summary>
    public static string Magnitude(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>E.g. "1 epoch", "30 epochs", "469 batches".</summary>
    public static string Plural(long count, string singular, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");

    /// <summary>E.g. "1 min 52 s" or "48.3 s".</summary>
    public static string Duration(TimeSpan time) => time.TotalSeconds < 60
        ? time.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s"
        : string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalMinutes} min {time.Seconds} s");
}
