using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Dwf.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Generators.Parsing;

/// <summary>
/// Where and how a <c>[Factorize]</c> class is declared: whether generated code can extend it, and the
/// declarations (namespace, enclosing types, type parameters) the generated file must re-open.
/// </summary>
internal static class DeclarationShape
{
    /// <summary>
    /// True when every declaration of the class and of every type enclosing it is <c>partial</c> (DWF001),
    /// and the class is not file-local (another file could not extend it).
    /// </summary>
    public static bool IsExtensible(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal || current.DeclaringSyntaxReferences.Length == 0)
            {
                return false;
            }

            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                    || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// True when every name the generated file must write (namespace parts, the class, its enclosing types and
    /// their type parameters) is a real identifier. Code with syntax errors can declare a class with a
    /// missing name (<c>class Net&lt;&gt;</c>); re-declaring it would only add errors in generated code.
    /// </summary>
    public static bool HasWritableNames(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (!SyntaxFacts.IsValidIdentifier(current.Name) || current.TypeParameters.Any(p => !SyntaxFacts.IsValidIdentifier(p.Name)))
            {
                return false;
            }
        }

        return NamespaceParts(type).All(SyntaxFacts.IsValidIdentifier);
    }

    /// <summary>The declaration to re-open for <paramref name="type"/> (no constraints: partial parts may omit them).</summary>
    public static ContainingTypeModel Describe(INamedTypeSymbol type)
    {
        string keyword = type.TypeKind switch
        {
            TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => type.IsRecord ? "record" : "class",
        };

        // Every part of a ref struct must say so.
        string modifiers = type.TypeKind == TypeKind.Struct && type.IsRefLikeType ? "ref " : string.Empty;
        return new ContainingTypeModel(keyword, modifiers, Identifier(type.Name), TypeParameterList(type));
    }

    /// <summary>The enclosing types of <paramref name="type"/>, outermost first.</summary>
    public static EquatableArray<ContainingTypeModel> ContainingTypes(INamedTypeSymbol type)
    {
        var types = new List<ContainingTypeModel>();
        for (var current = type.ContainingType; current is not null; current = current.ContainingType)
        {
            types.Add(Describe(current));
        }

        types.Reverse();
        return new EquatableArray<ContainingTypeModel>(types);
    }

    /// <summary>The containing namespace as written in code (<c>A.B</c>, keywords escaped), or empty for the global namespace.</summary>
    public static string Namespace(INamedTypeSymbol type) => string.Join(".", NamespaceParts(type).Select(Identifier));

    /// <summary>An identifier as it must be written in code: a keyword gets an <c>@</c> (<c>@class</c>).</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static IEnumerable<string> NamespaceParts(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            parts.Add(ns.Name);
        }

        parts.Reverse();
        return parts;
    }

    /// <summary>The fully qualified metadata name (<c>A.B.Outer`1+Inner</c>): unique per type, the pipeline's identity of a class.</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var chain = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            chain.Add(current.MetadataName);
        }

        chain.Reverse();
        var parts = NamespaceParts(type).ToList();
        parts.Add(string.Join("+", chain));
        return string.Join(".", parts);
    }

    /// <summary>
    /// A file-system-safe hint name from a metadata name (<c>A.B.Outer`1+Inner.g.cs</c>): characters other than
    /// letters, digits and <c>. _ + ` -</c> become <c>_</c>. Two types can map to one name this way, or to names
    /// that differ only in case; <see cref="UniqueHintNames"/> resolves that.
    /// </summary>
    public static string HintName(string metadataName)
    {
        var name = new StringBuilder(metadataName.Length + 5);
        foreach (char c in metadataName)
        {
            name.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '+' or '`' or '-' ? c : '_');
        }

        return name.Append(".g.cs").ToString();
    }

    /// <summary>The class as named in the runtime's error messages, e.g. <c>Models.Outer&lt;T&gt;.LeNet5</c>.</summary>
    public static string DisplayName(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    private static string TypeParameterList(INamedTypeSymbol type)
    {
        if (type.TypeParameters.Length == 0)
        {
            return string.Empty;
        }

        return "<" + string.Join(", ", type.TypeParameters.Select(p => p.Variance switch
        {
            VarianceKind.In => "in " + Identifier(p.Name),
            VarianceKind.Out => "out " + Identifier(p.Name),
            _ => Identifier(p.Name),
        })) + ">";
    }
}
