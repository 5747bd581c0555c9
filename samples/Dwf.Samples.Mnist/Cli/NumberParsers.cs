using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>
/// Culture-invariant parsers for the numeric options, with messages that name the option and the expected
/// kind of number (System.CommandLine's own name the CLR type, e.g. "System.Nullable`1[System.Int32]").
/// </summary>
internal static class NumberParsers
{
    public static double? Double(ArgumentResult result) =>
        Parse(result, "a number such as 0.0003 or 3e-4", (string text, out double value) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value));

    public static int? Int(ArgumentResult result) =>
        Parse(result, "a whole number", (string text, out int value) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value));

    public static long? Long(ArgumentResult result) =>
        Parse(result, "a whole number", (string text, out long value) =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value));

    private delegate bool TryParse<T>(string text, out T value);

    private static T? Parse<T>(ArgumentResult result, string expected, TryParse<T> tryParse)
        where T : struct
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (tryParse(text, out T value))
        {
            return value;
        }

        string option = (result.Parent as OptionResult)?.Option.Name ?? "option";
        result.AddError($"{option}: '{text}' is not {expected}");
        return null;
    }
}
