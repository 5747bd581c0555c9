using System;
using Microsoft.CodeAnalysis;

namespace Dwf.Generators.Parsing;

/// <summary>
/// A type identified by its metadata name (e.g. <c>TorchSharp.torch+nn+Module</c>), matched structurally
/// against symbols. The generator never references TorchSharp or Dwf: it recognizes their types by name.
/// </summary>
internal sealed class MetadataTypeName
{
    private readonly string[] _namespaceParts;
    private readonly string[] _typeNames;

    public MetadataTypeName(string fullyQualifiedMetadataName)
    {
        FullName = fullyQualifiedMetadataName;
        var nested = fullyQualifiedMetadataName.Split('+');
        int lastDot = nested[0].LastIndexOf('.');
        _namespaceParts = lastDot < 0 ? Array.Empty<string>() : nested[0].Substring(0, lastDot).Split('.');
        _typeNames = new string[nested.Length];
        _typeNames[0] = nested[0].Substring(lastDot + 1);
        Array.Copy(nested, 1, _typeNames, 1, nested.Length - 1);
    }

    public string FullName { get; }

    /// <summary>True if <paramref name="type"/> (or, for a constructed generic, its definition) is this type.</summary>
    public bool Matches(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        INamedTypeSymbol? current = named;
        for (int i = _typeNames.Length - 1; i >= 0; i--)
        {
            if (current is null || current.MetadataName != _typeNames[i])
            {
                return false;
            }

            current = current.ContainingType;
        }

        if (current is not null)
        {
            return false;
        }

        INamespaceSymbol? ns = OutermostType(named).ContainingNamespace;
        for (int i = _namespaceParts.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.IsGlobalNamespace || ns.Name != _namespaceParts[i])
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is null || ns.IsGlobalNamespace;
    }

    /// <summary>True if <paramref name="type"/> is this type or derives from it.</summary>
    public bool IsBaseOf(ITypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Matches(current))
            {
                return true;
            }
        }

        return false;
    }

    private static INamedTypeSymbol OutermostType(INamedTypeSymbol type)
    {
        var current = type;
        while (current.ContainingType is not null)
        {
            current = current.ContainingType;
        }

        return current;
    }
}
