using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Dwf.Analyzers.Model;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF001, DWF002, DWF007, DWF009: whether a <c>[Factorize]</c> class can be extended by the generator,
/// is a module, has something to factorize, and registers its components.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FactorizedClassAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ClassNotPartial,
        DiagnosticDescriptors.ClassNotModule,
        DiagnosticDescriptors.NothingToFactorize,
        DiagnosticDescriptors.RegisterComponentsNotCalled);

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
            start.RegisterSymbolAction(c => Analyze(c, types, classifier), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, KnownTypes types, LayerClassifier classifier)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || types.FindFactorize(type) is not { } attribute)
        {
            return;
        }

        var ct = context.CancellationToken;
        var location = ClassLocations.IdentifierOf(type, attribute, ct);
        string name = SymbolNames.Of(type);

        var notPartial = TypesMissingPartial(type, ct);
        if (notPartial.Count > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ClassNotPartial, location, name, Enumerate(notPartial.Select(t => $"'{SymbolNames.Of(t)}'").ToList())));
        }

        if (!types.IsModule(type))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ClassNotModule, location, name));
            return;
        }

        // An abstract class leaves fields and constructors to its derived classes, whose RegisterComponents()
        // call dispatches to the generated override; nothing can be concluded from the class alone.
        if (type.IsAbstract)
        {
            return;
        }

        if (NothingToFactorizeReason(type, types, classifier) is { } reason)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NothingToFactorize, location, name, reason));
        }

        if (!AnyConstructorCallsRegisterComponents(type, ct))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RegisterComponentsNotCalled, location, name));
        }
    }

    /// <summary>"'A'", "'A' and 'B'", "'A', 'B' and 'C'".</summary>
    private static string Enumerate(List<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[items.Count - 1]}";

    /// <summary>The type and its containing types that lack <c>partial</c>, outermost first.</summary>
    private static List<INamedTypeSymbol> TypesMissingPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var missing = new List<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                    && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    missing.Insert(0, current);
                    break;
                }
            }
        }

        return missing;
    }

    /// <summary>Why no registered field can hold an eligible layer, or <c>null</c> when one can.</summary>
    private static string? NothingToFactorizeReason(INamedTypeSymbol type, KnownTypes types, LayerClassifier classifier)
    {
        bool denseHidesOne = false;

        // RegisterComponents() registers the fields of the class and of its base classes.
        for (var current = type; current is not null && !IsDefinedBy(current, types.Module); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
                {
                    continue;
                }

                bool hasFactorize = types.FindFactorize(field) is not null;
                if (!classifier.Classify(field.Type).CanHoldEligibleLayer(hasFactorize))
                {
                    continue;
                }

                if (types.FindDense(field) is null)
                {
                    return null;
                }

                denseHidesOne = true;
            }
        }

        return denseHidesOne
            ? "every field that can hold a layer is [Dense]"
            : "no field can hold a Linear, Conv, ConvTranspose or Bilinear layer (an Embedding or Parameter field counts only with its own [Factorize])";
    }

    private static bool AnyConstructorCallsRegisterComponents(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is ConstructorDeclarationSyntax declaration
                    && RegisterComponentsCalls.Calls(declaration))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True for types of the assembly that defines torch.nn.Module (TorchSharp), where the walk over user classes stops.</summary>
    private static bool IsDefinedBy(INamedTypeSymbol type, INamedTypeSymbol? module) =>
        module is not null && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, module.ContainingAssembly);
}
