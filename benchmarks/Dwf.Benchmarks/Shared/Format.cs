using System;
using System.Globalization;

namespace Dwf.Benchmarks.Shared;

/// <summary>Culture-invariant number formatting for the result tables.</summary>
internal static class Format
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Percent(double fraction) => (100 * fraction).ToString("F2", C) + " %";

    public static string Ratio(double ratio) => double.IsPositiveInfinity(ratio) ? "∞" : ratio.ToString(ratio >= 100 ? "F0" : "F1", C);

    public static string Number(double value, string format) => value.ToString(format, C);

    public static string Integer(long value) => value.ToString(C);

    public static string Scientific(double value) => value.ToString("0.0e+0", C);

    /// <summary>The command line of this run, as typed from the repository root.</summary>
    public static string Command() => $"dotnet run -c Release --project benchmarks/Dwf.Benchmarks -- {string.Join(' ', Environment.GetCommandLineArgs()[1..])}";

    public static double ParseDouble(string text) => double.Parse(text, NumberStyles.Float, C);

    public static string Seconds(double seconds) => seconds.ToString("F0", C);

    public static string Bytes(long bytes) => bytes >= 10_000 ? (bytes / 1024.0).ToString("F0", C) + " KiB" : bytes.ToString(C) + " B";

    public static string Micro(TimeSpan time) => time.TotalMicroseconds.ToString(time.TotalMicroseconds >= 100 ? "F0" : "F1", C);
}
