using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>
/// Removes attributes from a member declaration without leaving empty <c>[]</c> lists or blank lines, and
/// without losing the documentation comment that sits in front of the first attribute list.
/// </summary>
internal static class AttributeRemoval
{
    public static MemberDeclarationSyntax Remove(MemberDeclarationSyntax member, ICollection<AttributeSyntax> attributes)
    {
        var lists = new List<AttributeListSyntax>();
        SyntaxTriviaList? leadingOfRemovedFirstList = null;
        foreach (var list in member.AttributeLists)
        {
            var kept = list.Attributes;
            for (int i = kept.Count - 1; i >= 0; i--)
            {
                if (attributes.Contains(list.Attributes[i]))
                {
                    kept = kept.RemoveAt(i);
                }
            }

            if (kept.Count == list.Attributes.Count)
            {
                lists.Add(list);
            }
            else if (kept.Count > 0)
            {
                lists.Add(list.WithAttributes(kept));
            }
            else if (lists.Count == 0 && leadingOfRemovedFirstList is null)
            {
                // The list's leading trivia holds the member's comments and indentation; its trailing newline goes.
                leadingOfRemovedFirstList = list.GetLeadingTrivia();
            }
        }

        var result = member.WithAttributeLists(SyntaxFactory.List(lists));
        return leadingOfRemovedFirstList is { } leading ? result.WithLeadingTrivia(leading) : result;
    }

    /// <summary>How the attribute reads in a fix title: <c>Factorize</c> for <c>[Dwf.FactorizeAttribute]</c>.</summary>
    public static string ShortName(AttributeSyntax attribute)
    {
        string name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        const string suffix = "Attribute";
        return name.EndsWith(suffix, System.StringComparison.Ordinal) && name.Length > suffix.Length
            ? name.Substring(0, name.Length - suffix.Length)
            : name;
    }

    /// <summary>The member an attribute is applied to, when it is a member (not an assembly or a parameter).</summary>
    public static MemberDeclarationSyntax? OwnerOf(AttributeSyntax attribute) =>
        attribute.Parent?.Parent as MemberDeclarationSyntax;

    public static IEnumerable<IGrouping<MemberDeclarationSyntax, AttributeSyntax>> GroupByOwner(IEnumerable<AttributeSyntax> attributes) =>
        attributes.Where(a => OwnerOf(a) is not null).Distinct().GroupBy(a => OwnerOf(a)!);
}
