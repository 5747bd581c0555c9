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
    public const string TargetCompressionName = "TargetCompression";
    public const string LambdaScalingName = "LambdaScaling";

    /// <summary>Value of <c>Dwf.InitStd.Fixed</c>.</summary>
    public const int InitStdFixed = 2;

    public static readonly FactorizeArguments None = new();

    public int? Depth { get; private set; }

    public double? Lambda { get; private set; }

    public double? InitTruncation { get; private set; }

    public int? InitStd { get; private set; }

    public double? InitStdValue { get; private set; }

    public double? TargetCompression { get; private set; }

    public int? LambdaScaling { get; private set; }

    public static FactorizeArguments Read(AttributeData attribute)
    {
        var result = new FactorizeArguments();
        foreach (var pair in attribute.NamedArguments)
        {
            // Only Dwf's own attribute gives these names these types; a look-alike declared in source (same
            // metadata name) may hold arrays, strings or types, which are ignored here rather than converted.
            var value = pair.Value;
            if (value.Kind is not (TypedConstantKind.Primitive or TypedConstantKind.Enum) || value.Value is null)
            {
                continue;
            }

            switch (pair.Key)
            {
                case DepthName:
                    result.Depth = AsInt(value.Value);
                    break;
                case LambdaName:
                    result.Lambda = AsDouble(value.Value);
                    break;
                case InitTruncationName:
                    result.InitTruncation = AsDouble(value.Value);
                    break;
                case InitStdName:
                    result.InitStd = AsInt(value.Value);
                    break;
                case TargetCompressionName:
                    result.TargetCompression = AsDouble(value.Value);
                    break;
                case InitStdValueName:
                    result.InitStdValue = AsDouble(value.Value);
                    break;
                case LambdaScalingName:
                    result.LambdaScaling = AsInt(value.Value);
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

    /// <summary>Display name of a <c>LambdaScaling</c> value, as the user would write it.</summary>
    public static string LambdaScalingDisplay(int value) => value switch
    {
        0 => "LambdaScaling.Uniform",
        1 => "LambdaScaling.FanIn",
        _ => $"(LambdaScaling){value.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
    };

    public static bool IsDefinedLambdaScaling(int value) => value is 0 or 1;

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

    /// <summary>An integral constant that fits an <c>int</c>, else <c>null</c> (never throws, unlike <c>Convert.ToInt32</c>).</summary>
    private static int? AsInt(object value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        uint u when u <= int.MaxValue => (int)u,
        short s => s,
        ushort s => s,
        byte b => b,
        sbyte b => b,
        _ => null,
    };

    /// <summary>A floating-point or integral constant as a double, else <c>null</c>.</summary>
    private static double? AsDouble(object value) => value switch
    {
        double d => d,
        float f => f,
        _ => AsInt(value),
    };
}
