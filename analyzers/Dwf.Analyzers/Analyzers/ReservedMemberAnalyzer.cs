using System.Collections.Immutable;
using Dwf.Analyzers.Model;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF008: members of a <c>[Factorize]</c> class (declared in it, or inherited from a user base class)
/// that collide with what the generator emits or with the runtime's <c>dwf_factors</c> submodule.
/// Members the generator itself emits live in generated code, which is not analyzed, so they never
/// conflict with themselves.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReservedMemberAnalyzer : DiagnosticAnalyzer
{
    private const string RenameFix = "rename or remove it";

    /// <summary>In TorchSharp's own classes only a sealed RegisterComponents can be in the way.</summary>
    private static readonly string[] TorchSharpRelevantNames = { ReservedMembers.RegisterComponents };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ReservedMemberConflict);

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

            start.RegisterSymbolAction(
                c => AnalyzeMember(c, types),
                SymbolKind.Method, SymbolKind.Property, SymbolKind.Field, SymbolKind.Event, SymbolKind.NamedType);
            start.RegisterSymbolAction(c => AnalyzeInherited(c, types), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeMember(SymbolAnalysisContext context, KnownTypes types)
    {
        var member = context.Symbol;
        if (member.IsImplicitlyDeclared || member.ContainingType is not { } owner || types.FindFactorize(owner) is null)
        {
            return;
        }

        var location = member.Locations.Length > 0 ? member.Locations[0] : Location.None;
        if (ReservedMembers.TryGetGenerated(member.Name, out var generated))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReservedMemberConflict, location, SymbolNames.Of(member), generated, RenameFix));
        }
        else if (member is IFieldSymbol field && RegisteredName(field, types) == ReservedMembers.FactorStoreName)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ReservedMemberConflict,
                location,
                SymbolNames.Of(member),
                $"the submodule the Dwf runtime registers as '{ReservedMembers.FactorStoreName}'",
                "rename the field or give it another [ComponentName]"));
        }
    }

    /// <summary>
    /// Members of user base classes: the generated members would hide them (or, for a sealed
    /// RegisterComponents, could not override it). Base classes that are themselves <c>[Factorize]</c>
    /// classes are the generator's to handle.
    /// </summary>
    private static void AnalyzeInherited(SymbolAnalysisContext context, KnownTypes types)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (types.FindFactorize(type) is not { } attribute || !types.IsModule(type))
        {
            return;
        }

        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            bool isUserClass = !SymbolEqualityComparer.Default.Equals(baseType.ContainingAssembly, types.Module!.ContainingAssembly);
            if (isUserClass && types.FindFactorize(baseType.OriginalDefinition) is not null)
            {
                return;
            }

            var names = isUserClass ? ReservedMembers.GeneratedNames : TorchSharpRelevantNames;
            foreach (var name in names)
            {
                foreach (var member in baseType.GetMembers(name))
                {
                    if (ConflictFix(member) is { } fix)
                    {
                        ReservedMembers.TryGetGenerated(name, out var generated);
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.ReservedMemberConflict,
                            ClassLocations.IdentifierOf(type, attribute, context.CancellationToken),
                            SymbolNames.Of(type),
                            generated,
                            fix));
                    }
                }
            }
        }
    }

    /// <summary>How to resolve the clash with an inherited member, or <c>null</c> when there is none.</summary>
    private static string? ConflictFix(ISymbol inherited)
    {
        if (inherited.IsImplicitlyDeclared || inherited.DeclaredAccessibility == Accessibility.Private)
        {
            return null;
        }

        if (inherited is IMethodSymbol { Name: ReservedMembers.RegisterComponents } method)
        {
            if (method.IsSealed)
            {
                return $"the inherited '{SymbolNames.Of(inherited)}' is sealed; remove 'sealed' from it";
            }

            if (method.IsVirtual || method.IsOverride || method.IsAbstract)
            {
                return null;
            }
        }

        return $"the generated member would hide the inherited '{SymbolNames.Of(inherited)}'; rename it in '{SymbolNames.Of(inherited.ContainingType)}'";
    }

    /// <summary>The name RegisterComponents() registers the field under: its [ComponentName], else its name.</summary>
    private static string RegisteredName(IFieldSymbol field, KnownTypes types)
    {
        if (types.ComponentNameAttribute is not null)
        {
            foreach (var attribute in field.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, types.ComponentNameAttribute))
                {
                    foreach (var argument in attribute.NamedArguments)
                    {
                        // Value throws for an array, which only a look-alike attribute declared in source can hold.
                        if (argument.Key == "Name" && argument.Value.Kind == TypedConstantKind.Primitive && argument.Value.Value is string name)
                        {
                            return name;
                        }
                    }
                }
            }
        }

        return field.Name;
    }
}
