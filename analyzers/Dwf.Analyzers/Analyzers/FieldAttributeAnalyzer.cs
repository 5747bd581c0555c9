using System.Collections.Immutable;
using Dwf.Analyzers.Model;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF006, DWF011, DWF012, DWF013: where <c>[Factorize]</c> and <c>[Dense]</c> are placed on members. The
/// generator keys field rules by the name under which RegisterComponents() registers the field, so the
/// attributes mean something only on instance fields of a <c>[Factorize]</c> class that hold a layer.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FieldAttributeAnalyzer : DiagnosticAnalyzer
{
    private const string FactorizeName = "Factorize";
    private const string DenseName = "Dense";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.FieldNotFactorizable,
        DiagnosticDescriptors.DenseMisplaced,
        DiagnosticDescriptors.AttributeOnUnregisteredMember,
        DiagnosticDescriptors.FieldFactorizeWithoutClassFactorize);

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

            var classifier = new LayerClassifier(types);
            start.RegisterSymbolAction(c => AnalyzeField(c, types, classifier), SymbolKind.Field);
            start.RegisterSymbolAction(c => AnalyzeProperty(c, types), SymbolKind.Property);
        });
    }

    private static void AnalyzeField(SymbolAnalysisContext context, KnownTypes types, LayerClassifier classifier)
    {
        var field = (IFieldSymbol)context.Symbol;
        var factorize = types.FindFactorize(field);
        var dense = types.FindDense(field);
        if ((factorize is null && dense is null) || !SymbolNames.IsFirstOfDeclaration(field, context.CancellationToken))
        {
            return;
        }

        var ct = context.CancellationToken;
        string name = SymbolNames.OfDeclaration(field, ct);
        if (field.IsStatic)
        {
            ReportUnregistered(context, factorize, FactorizeName, "static field", name);
            ReportUnregistered(context, dense, DenseName, "static field", name);
            return;
        }

        var containingType = field.ContainingType;
        bool classIsFactorized = types.FindFactorize(containingType) is not null;
        if (dense is not null)
        {
            if (factorize is not null)
            {
                Report(context, DiagnosticDescriptors.DenseMisplaced, dense, name, "contradicts the [Factorize] on the same field");
            }
            else if (!classIsFactorized)
            {
                Report(context, DiagnosticDescriptors.DenseMisplaced, dense, name, $"has no effect because '{SymbolNames.Of(containingType)}' has no [Factorize]");
            }
        }

        if (factorize is null)
        {
            return;
        }

        if (!classIsFactorized)
        {
            Report(context, DiagnosticDescriptors.FieldFactorizeWithoutClassFactorize, factorize, name, SymbolNames.Of(containingType));
        }

        var classification = classifier.Classify(field.Type);
        if (classification.Kind is LayerKind.NotFactorizable or LayerKind.NotRegistered)
        {
            Report(context, DiagnosticDescriptors.FieldNotFactorizable, factorize, name, classification.Reason);
        }
        else if (types.IsFactorizedModule(field.Type))
        {
            // The runtime leaves a submodule with a factorization of its own alone, so the field rule finds nothing.
            Report(
                context,
                DiagnosticDescriptors.FieldNotFactorizable,
                factorize,
                name,
                $"{SymbolNames.Of(field.Type)} is factorized by its own [Factorize], whose settings its layers keep (change them there)");
        }
    }

    private static void AnalyzeProperty(SymbolAnalysisContext context, KnownTypes types)
    {
        var property = (IPropertySymbol)context.Symbol;
        string name = SymbolNames.Of(property);

        // [Factorize] written on the property itself is also a compiler error (the attribute targets fields);
        // this diagnostic adds why, and the fix. [field: Factorize] compiles and lands on the backing field.
        ReportUnregistered(context, types.FindFactorize(property), FactorizeName, "property", name);
        ReportUnregistered(context, types.FindDense(property), DenseName, "property", name);
        if (HasFieldTargetedAttributes(property, context.CancellationToken) && BackingFieldOf(property) is { } backingField)
        {
            ReportUnregistered(context, types.FindFactorize(backingField), FactorizeName, "property", name);
            ReportUnregistered(context, types.FindDense(backingField), DenseName, "property", name);
        }
    }

    /// <summary>Cheap syntax test before searching the members for the backing field.</summary>
    private static bool HasFieldTargetedAttributes(IPropertySymbol property, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax declaration)
            {
                foreach (var list in declaration.AttributeLists)
                {
                    if (list.Target is { } target && target.Identifier.IsKind(SyntaxKind.FieldKeyword))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static IFieldSymbol? BackingFieldOf(IPropertySymbol property)
    {
        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field
                && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return field;
            }
        }

        return null;
    }

    private static void ReportUnregistered(SymbolAnalysisContext context, AttributeData? attribute, string attributeName, string memberKind, string memberName)
    {
        if (attribute is not null)
        {
            Report(context, DiagnosticDescriptors.AttributeOnUnregisteredMember, attribute, attributeName, memberKind, memberName);
        }
    }

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, AttributeData attribute, params object[] messageArgs) =>
        context.ReportDiagnostic(Diagnostic.Create(descriptor, AttributeLocations.Of(attribute, context.CancellationToken), messageArgs));
}
