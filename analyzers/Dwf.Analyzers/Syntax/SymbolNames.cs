using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.Syntax;

/// <summary>How diagnostics name types and fields: short, but with containing types (<c>Outer.Net.fc1</c>).</summary>
internal static class SymbolNames
{
    private static readonly SymbolDisplayFormat TypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static string Of(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary><c>Type.member</c>.</summary>
    public static string Of(ISymbol member) =>
        member.ContainingType is null ? member.Name : $"{Of(member.ContainingType)}.{member.Name}";

    /// <summary>
    /// The fields an attribute on <paramref name="field"/>'s declaration applies to:
    /// <c>Net.fc1</c>, or <c>Net.fc1, fc2</c> for <c>Linear fc1 = ..., fc2 = ...;</c>.
    /// </summary>
    public static string OfDeclaration(IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (DeclarationOf(field, cancellationToken) is { Variables.Count: > 1 } declaration)
        {
            return $"{Of(field.ContainingType)}.{string.Join(", ", declaration.Variables.Select(v => v.Identifier.ValueText))}";
        }

        return Of(field);
    }

    /// <summary>
    /// True when <paramref name="field"/> is the first variable of its declaration. Attributes belong to the
    /// declaration, so per-attribute diagnostics are reported once, from the first field.
    /// </summary>
    public static bool IsFirstOfDeclaration(IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (field.DeclaringSyntaxReferences.Length == 0
            || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator
            || declarator.Parent is not VariableDeclarationSyntax declaration)
        {
            return true;
        }

        return declaration.Variables[0] == declarator;
    }

    private static VariableDeclarationSyntax? DeclarationOf(IFieldSymbol field, CancellationToken cancellationToken) =>
        field.DeclaringSyntaxReferences.Length > 0
            ? field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).Parent as VariableDeclarationSyntax
            : null;
}
