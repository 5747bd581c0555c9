using System;
using Microsoft.CodeAnalysis;

namespace Dwf.Analyzers.Model;

/// <summary>
/// The named arguments written on one <c>[Factorize]</c>; <c>null</c> means "not set here", as in the
/// runtime's <c>FactorizationOptions</c> (a field-level attribute inherits what it leaves unset).
/// </summary>
internal sealed class FactorizeArguments
{
    public const string DepthName = "Depth";
    public const string LambdaName = "Lambda";
    public const string InitTruncationName = "InitTruncation";
    public const string InitStdName = "InitStd";
    public const string InitStdValueName = "InitStdValue";

    /// <summary>Value of <c>Dwf.InitStd.Fixed</c>.</summary>
    public const int InitStdFixed = 2;

    public static readonly FactorizeArguments None = new();

    public int? Depth { get; private set; }

    public double? Lambda { get; private set; }

    public double? InitTruncation { get; private set; }

    public int? InitStd { get; private set; }

    public double? InitStdValue { get; private set; }

    public static FactorizeArguments Read(AttributeData attribute)
    {
        var result = new FactorizeArguments();
        foreach (var pair in attribute.NamedArguments)
        {
            var value = pair.Value;
            if (value.Kind == TypedConstantKind.Error || value.Value is null)
            {
                continue;
            }

            switch (pair.Key)
            {
                case DepthName:
                    result.Depth = Convert.ToInt32(value.Value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case LambdaName:
                    result.Lambda = ToDouble(value.Value);
                    break;
                case InitTruncationName:
                    result.InitTruncation = ToDouble(value.Value);
                    break;
                case InitStdName:
                    result.InitStd = Convert.ToInt32(value.Value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case InitStdValueName:
                    result.InitStdValue = ToDouble(value.Value);
                    break;
            }
        }

        return result;
    }

    /// <summary>Display name of an <c>InitStd</c> value, as the user would write it.</summary>
    public static string InitStdDisplay(int value) => value switch
    {
        0 => "LayerDefault",
        1 => "He",
        InitStdFixed => "Fixed",
        _ => $"(InitStd){value.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
    };

    public static bool IsDefinedInitStd(int value) => value is >= 0 and <= InitStdFixed;

    /// <summary>A double as C# source would show it; NaN and infinities by name.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Infinity" : "-Infinity";
        }

        return value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double ToDouble(object value) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
}
