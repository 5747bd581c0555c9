using System;
using System.Collections.Immutable;
using System.Threading;
using Dwf.Analyzers.Model;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF003, DWF004, DWF005, DWF014, DWF015, DWF016: the numeric and model-level options of every
/// <c>[Factorize]</c>, checked as the runtime's <c>FactorizationSettings.Create</c> and plan would check them, but in the editor. A field-level
/// attribute inherits what it leaves unset from the class-level one, as at run time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FactorizationOptionsAnalyzer : DiagnosticAnalyzer
{
    private const int SmallestDepth = 2;
    private const int LargestRecommendedDepth = 6;
    private const double TruncationUpperBound = 2.0;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.DepthTooSmall,
        DiagnosticDescriptors.DepthTooLarge,
        DiagnosticDescriptors.OptionOutOfRange,
        DiagnosticDescriptors.InitStdValueIgnored,
        DiagnosticDescriptors.TargetCompressionInvalid,
        DiagnosticDescriptors.LambdaScalingInvalid);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.Resolve(start.Compilation) is not { } types)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeClass(c, types), SymbolKind.NamedType);
            start.RegisterSymbolAction(c => AnalyzeField(c, types), SymbolKind.Field);
        });
    }

    private static void AnalyzeClass(SymbolAnalysisContext context, KnownTypes types)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (types.FindFactorize(type) is not { } attribute)
        {
            return;
        }

        var own = FactorizeArguments.Read(attribute);
        Check(context, attribute, own, FactorizeArguments.None, SymbolNames.Of(type), () => FieldReadsInheritedInitStdValue(type, types));
        CheckTarget(context, attribute, own, SymbolNames.Of(type), classLevel: true);
        CheckLambdaScaling(context, attribute, own, SymbolNames.Of(type), classLevel: true);
        CheckInheritedTarget(context, attribute, own, type, types);
    }

    private static void AnalyzeField(SymbolAnalysisContext context, KnownTypes types)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (types.FindFactorize(field) is not { } attribute || !SymbolNames.IsFirstOfDeclaration(field, context.CancellationToken))
        {
            return;
        }

        var inherited = types.FindFactorize(field.ContainingType) is { } classAttribute
            ? FactorizeArguments.Read(classAttribute)
            : FactorizeArguments.None;
        var own = FactorizeArguments.Read(attribute);
        string target = SymbolNames.OfDeclaration(field, context.CancellationToken);
        Check(context, attribute, own, inherited, target, valueUsedByAField: static () => false);
        CheckTarget(context, attribute, own, target, classLevel: false);
        CheckLambdaScaling(context, attribute, own, target, classLevel: false);
    }

    private static void Check(
        SymbolAnalysisContext context,
        AttributeData attribute,
        FactorizeArguments own,
        FactorizeArguments inherited,
        string target,
        Func<bool> valueUsedByAField)
    {
        var ct = context.CancellationToken;
        if (own.Depth is { } depth)
        {
            if (depth < SmallestDepth)
            {
                Report(context, DiagnosticDescriptors.DepthTooSmall, attribute, FactorizeArguments.DepthName, ct, Invariant(depth), target);
            }
            else if (depth > LargestRecommendedDepth)
            {
                Report(context, DiagnosticDescriptors.DepthTooLarge, attribute, FactorizeArguments.DepthName, ct, Invariant(depth), target);
            }
        }

        if (own.Lambda is { } lambda && !(IsFinite(lambda) && lambda >= 0))
        {
            ReportOutOfRange(
                context, attribute, FactorizeArguments.LambdaName, lambda, target,
                "Lambda must be finite and at least 0 (typical values for a mean loss are 1e-5 to 1e-2; 0 trains the factors without a penalty)");
        }

        if (own.InitTruncation is { } truncation && !(IsFinite(truncation) && truncation >= 0 && truncation < TruncationUpperBound))
        {
            ReportOutOfRange(
                context, attribute, FactorizeArguments.InitTruncationName, truncation, target,
                "InitTruncation must lie in [0, 2), relative to the target std (the default is 0.25)");
        }

        if (own.InitStd is { } ownStd && !FactorizeArguments.IsDefinedInitStd(ownStd))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.OptionOutOfRange,
                AttributeLocations.OfNamedArgument(attribute, FactorizeArguments.InitStdName, ct),
                $"InitStd = {FactorizeArguments.InitStdDisplay(ownStd)}",
                target,
                "InitStd must be LayerDefault, He or Fixed"));
            return;
        }

        CheckInitStdValue(context, attribute, own, inherited, target, valueUsedByAField);
    }

    // DWF015: a target ratio must be > 1 and finite, on the class, and without Lambda (λ is steered from the default).
    private static void CheckTarget(SymbolAnalysisContext context, AttributeData attribute, FactorizeArguments own, string target, bool classLevel)
    {
        if (own.TargetCompression is not { } ratio)
        {
            return;
        }

        string? problem = !classLevel
            ? "it is a setting of the whole model; move it to the class's [Factorize]"
            : !(IsFinite(ratio) && ratio > 1)
                ? "the ratio of total to non-zero weights must be finite and above 1 (100 keeps 1 % of the weights; 1 would keep them all)"
                : own.Lambda is not null
                    ? "with a target λ is steered during training, so Lambda must not be set as well; remove Lambda (or remove TargetCompression to train with a fixed λ)"
                    : null;
        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TargetCompressionInvalid,
                AttributeLocations.OfNamedArgument(attribute, FactorizeArguments.TargetCompressionName, context.CancellationToken),
                FactorizeArguments.Format(ratio),
                target,
                problem));
        }
    }

    // DWF016: LambdaScaling compares each layer with the model's largest, so it is class level only; Uniform or FanIn.
    private static void CheckLambdaScaling(SymbolAnalysisContext context, AttributeData attribute, FactorizeArguments own, string target, bool classLevel)
    {
        if (own.LambdaScaling is not { } scaling)
        {
            return;
        }

        string? problem = !FactorizeArguments.IsDefinedLambdaScaling(scaling)
            ? "it must be LambdaScaling.Uniform (one λ, the default) or LambdaScaling.FanIn (each layer's λ scaled by its fan-in)"
            : !classLevel
                ? "it scales every layer's λ against the largest fan-in of the whole model; move it to the class's [Factorize]"
                : null;
        if (problem is not null)
        {
            Report(context, DiagnosticDescriptors.LambdaScalingInvalid, attribute, FactorizeArguments.LambdaScalingName, context.CancellationToken,
                FactorizeArguments.LambdaScalingDisplay(scaling), target, problem);
        }
    }

    // DWF015 across a class hierarchy: a derived [Factorize] inherits what it leaves unset from its factorized bases,
    // so a target on one and a λ on the other end up in one plan, which the runtime refuses (and the generator skips).
    private static void CheckInheritedTarget(SymbolAnalysisContext context, AttributeData attribute, FactorizeArguments own, INamedTypeSymbol type, KnownTypes types)
    {
        if (own.TargetCompression is not null && own.Lambda is not null)
        {
            return; // reported on the attribute itself
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (types.FindFactorize(current.OriginalDefinition) is not { } baseAttribute)
            {
                continue;
            }

            var inherited = FactorizeArguments.Read(baseAttribute);
            string baseName = SymbolNames.Of(current.OriginalDefinition);
            if (own.TargetCompression is { } target && inherited.Lambda is { } lambda)
            {
                Report(context, DiagnosticDescriptors.TargetCompressionInvalid, attribute, FactorizeArguments.TargetCompressionName, context.CancellationToken,
                    FactorizeArguments.Format(target), SymbolNames.Of(type),
                    $"its base class '{baseName}' sets Lambda = {FactorizeArguments.Format(lambda)}, which a target would overwrite; remove Lambda there, or TargetCompression here");
                return;
            }

            if (own.Lambda is { } ownLambda && inherited.TargetCompression is { } inheritedTarget)
            {
                Report(context, DiagnosticDescriptors.TargetCompressionInvalid, attribute, FactorizeArguments.LambdaName, context.CancellationToken,
                    FactorizeArguments.Format(inheritedTarget), SymbolNames.Of(type),
                    $"it is inherited from '{baseName}', and this class sets Lambda = {FactorizeArguments.Format(ownLambda)}, which the target would overwrite; remove Lambda here, or TargetCompression there");
                return;
            }

            // The nearest base that sets either decides what is inherited (as the generator merges the options).
            if (inherited.TargetCompression is not null || inherited.Lambda is not null)
            {
                return;
            }
        }
    }

    private static void CheckInitStdValue(
        SymbolAnalysisContext context,
        AttributeData attribute,
        FactorizeArguments own,
        FactorizeArguments inherited,
        string target,
        Func<bool> valueUsedByAField)
    {
        var ct = context.CancellationToken;
        int std = own.InitStd ?? inherited.InitStd ?? 0;
        double value = own.InitStdValue ?? inherited.InitStdValue ?? 0.0;
        if (std == FactorizeArguments.InitStdFixed)
        {
            // Report only where this attribute contributes to the problem; an inherited one is reported on the class.
            if (!(IsFinite(value) && value > 0) && (own.InitStd is not null || own.InitStdValue is not null))
            {
                string argument = own.InitStdValue is not null ? FactorizeArguments.InitStdValueName : FactorizeArguments.InitStdName;
                string shown = own.InitStdValue is not null
                    ? $"InitStdValue = {FactorizeArguments.Format(value)}"
                    : "InitStd = Fixed";
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.OptionOutOfRange,
                    AttributeLocations.OfNamedArgument(attribute, argument, ct),
                    shown,
                    target,
                    $"InitStd = Fixed needs a finite InitStdValue above 0 (got {FactorizeArguments.Format(value)}); set InitStdValue, e.g. 0.05, or use InitStd = LayerDefault"));
            }
        }
        else if (own.InitStdValue is { } ignored && !valueUsedByAField())
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InitStdValueIgnored,
                AttributeLocations.OfNamedArgument(attribute, FactorizeArguments.InitStdValueName, ct),
                FactorizeArguments.Format(ignored),
                target,
                FactorizeArguments.InitStdDisplay(std)));
        }
    }

    /// <summary>
    /// True when a field of <paramref name="type"/> sets InitStd = Fixed without its own InitStdValue: it then
    /// reads the class-level InitStdValue, which is therefore not ignored.
    /// </summary>
    private static bool FieldReadsInheritedInitStdValue(INamedTypeSymbol type, KnownTypes types)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol field && types.FindFactorize(field) is { } attribute)
            {
                var arguments = FactorizeArguments.Read(attribute);
                if (arguments.InitStd == FactorizeArguments.InitStdFixed && arguments.InitStdValue is null)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void ReportOutOfRange(SymbolAnalysisContext context, AttributeData attribute, string name, double value, string target, string requirement) =>
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.OptionOutOfRange,
            AttributeLocations.OfNamedArgument(attribute, name, context.CancellationToken),
            $"{name} = {FactorizeArguments.Format(value)}",
            target,
            requirement));

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, AttributeData attribute, string argument, CancellationToken ct, params object[] messageArgs) =>
        context.ReportDiagnostic(Diagnostic.Create(descriptor, AttributeLocations.OfNamedArgument(attribute, argument, ct), messageArgs));

    private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
