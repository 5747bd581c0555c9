using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.Syntax;

/// <summary>Where class-level diagnostics point: the identifier of the declaration that carries the attribute.</summary>
internal static class ClassLocations
{
    public static Location IdentifierOf(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent is TypeDeclarationSyntax declaration)
        {
            return declaration.Identifier.GetLocation();
        }

        return type.Locations.Length > 0 ? type.Locations[0] : Location.None;
    }
}
