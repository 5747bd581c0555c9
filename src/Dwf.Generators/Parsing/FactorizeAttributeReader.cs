using System;
using System.Linq;
using Dwf.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Generators.Parsing;

/// <summary>
/// Reads the named arguments of a <c>[Factorize(...)]</c> into a <see cref="FactorizationOptionsModel"/>,
/// keeping only what the user set. Values the runtime would reject (DWF003/DWF005) make the attribute
/// invalid: the generator then emits nothing and leaves the explanation to the analyzer.
/// </summary>
internal static class FactorizeAttributeReader
{
    /// <summary>The options, or <c>null</c> when an argument is missing, erroneous or out of range.</summary>
    public static FactorizationOptionsModel? Read(AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 0 || HasUnboundArguments(attribute))
        {
            return null;
        }

        var options = FactorizationOptionsModel.None;
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value;

            // An array only binds to a look-alike Dwf.FactorizeAttribute declared in source (and its Value throws).
            if (value.Kind is TypedConstantKind.Error or TypedConstantKind.Array || value.IsNull)
            {
                return null;
            }

            switch (argument.Key)
            {
                case "Depth" when value.Value is int depth && depth >= 2:
                    options = options with { Depth = depth };
                    break;
                case "Lambda" when value.Value is double lambda && IsFinite(lambda) && lambda >= 0:
                    options = options with { Lambda = lambda };
                    break;
                case "FactorizeBias" when value.Value is bool factorizeBias:
                    options = options with { FactorizeBias = factorizeBias };
                    break;
                case "InitTruncation" when value.Value is double truncation && IsFinite(truncation) && truncation >= 0 && truncation < 2:
                    options = options with { InitTruncation = truncation };
                    break;
                case "InitStdValue" when value.Value is double std && IsFinite(std) && std > 0:
                    options = options with { InitStdValue = std };
                    break;
                case "InitVarianceCorrection" when value.Value is bool correction:
                    options = options with { InitVarianceCorrection = correction };
                    break;
                case "TargetCompression" when value.Value is double target && IsFinite(target) && target > 1:
                    options = options with { TargetCompression = target };
                    break;
                case "InitStd" when value.Kind == TypedConstantKind.Enum && EnumMemberName(value) is { } member:
                    options = options with { InitStdMember = member, InitStdIsFixed = member == "Fixed" };
                    break;
                case "LambdaScaling" when value.Kind == TypedConstantKind.Enum && EnumMemberName(value) is { } scaling:
                    options = options with { LambdaScalingMember = scaling };
                    break;
                default:
                    // Unknown name, wrong type or out of range.
                    return null;
            }
        }

        // With a target, λ is steered at run time: both at once is DWF015, and the runtime would refuse the plan.
        return options.TargetCompression is not null && options.Lambda is not null ? null : options;
    }

    /// <summary>
    /// True when the options, resolved over <paramref name="fallback"/>, are complete enough for the runtime:
    /// <c>InitStd = Fixed</c> needs an <c>InitStdValue</c> (the plan constructor validates eagerly and would
    /// otherwise throw from the class's static initializer).
    /// </summary>
    public static bool ResolvesCleanly(FactorizationOptionsModel options, FactorizationOptionsModel fallback)
    {
        var resolved = options.Over(fallback);
        return resolved.InitStdIsFixed != true || resolved.InitStdValue is not null;
    }

    // An argument that binds to no property (a typo, a removed option) is left out of NamedArguments.
    private static bool HasUnboundArguments(AttributeData attribute) =>
        attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments }
        && arguments.Arguments.Count != attribute.NamedArguments.Length;

    private static string? EnumMemberName(TypedConstant value) =>
        value.Type?.GetMembers()
            .OfType<IFieldSymbol>()
            .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value.Value))
            ?.Name;

    private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);
}
