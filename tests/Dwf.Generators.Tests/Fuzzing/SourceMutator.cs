using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Applies random mutations to a corpus input: token and line edits, truncation, hostile attribute
/// arguments and numbers, duplicated members and files, broken generics, removed <c>partial</c>, changed
/// keywords, attributes on odd targets, type names that differ only in case, hostile declarations.
/// Everything is a function of the <see cref="FuzzRandom"/>, so a mutant replays from its seed and index.
/// </summary>
internal static class SourceMutator
{
    /// <summary>A text mutation: returns the new text, or <c>null</c> when it does not apply to this text.</summary>
    private delegate string? TextMutation(FuzzRandom random, string text);

    private static readonly (string Name, TextMutation Apply)[] TextMutations =
    {
        ("delete token", DeleteToken),
        ("duplicate token", DuplicateToken),
        ("delete line", (r, t) => EditLines(r, t, (lines, i) => lines.RemoveAt(i))),
        ("duplicate line", (r, t) => EditLines(r, t, (lines, i) => lines.Insert(i, lines[i]))),
        ("swap lines", (r, t) => EditLines(r, t, (lines, i) => (lines[i], lines[(i + 1) % lines.Count]) = (lines[(i + 1) % lines.Count], lines[i]))),
        ("truncate", (r, t) => t.Length == 0 ? null : t.Substring(0, r.Next(t.Length))),
        ("hostile attribute argument", HostileAttributeArgument),
        ("add attribute argument", AddAttributeArgument),
        ("hostile number", HostileNumber),
        ("duplicate member", DuplicateMember),
        ("break generics", BreakGenerics),
        ("remove partial", (r, t) => RemoveToken(r, t, SyntaxKind.PartialKeyword)),
        ("replace keyword", ReplaceKeyword),
        ("attribute on odd target", AttributeOnOddTarget),
        ("case-variant copy of a type", CaseVariantCopy),
        ("insert noise", (r, t) => t.Insert(r.Next(t.Length + 1), r.Pick(HostileValues.Noise))),
        ("append hostile declaration", (r, t) => t + "\n" + r.Pick(HostileDeclarations.All) + "\n"),
    };

    /// <summary>1 to 3 mutations of a random corpus input; the name lists the corpus entry and each mutation.</summary>
    public static FuzzInput Mutate(IReadOnlyList<FuzzInput> corpus, FuzzRandom random)
    {
        var seed = random.Pick(corpus);
        var files = seed.Files.ToList();
        var applied = new List<string>();
        int count = 1 + random.Next(3);
        for (int attempt = 0; applied.Count < count && attempt < 20; attempt++)
        {
            if (MutateFiles(random, files) is { } fileMutation)
            {
                applied.Add(fileMutation);
                continue;
            }

            int index = random.Next(files.Count);
            var (name, apply) = random.Pick(TextMutations);
            if (apply(random, files[index].Text) is { } mutated && mutated != files[index].Text)
            {
                files[index] = (files[index].Path, mutated);
                applied.Add($"{name} in {files[index].Path}");
            }
        }

        return new FuzzInput($"{seed.Name} + {string.Join(", ", applied)}", files.ToImmutableArray(), seed);
    }

    /// <summary>Now and then (1 in 12) a whole-file mutation: drop, duplicate or split a file.</summary>
    private static string? MutateFiles(FuzzRandom random, List<(string Path, string Text)> files)
    {
        if (!random.Chance(1.0 / 12))
        {
            return null;
        }

        int index = random.Next(files.Count);
        var (path, text) = files[index];
        switch (random.Next(3))
        {
            case 0 when files.Count > 1:
                files.RemoveAt(index);
                return $"drop file {path}";
            case 1:
                files.Add(("Copy" + files.Count + "." + path, text));
                return $"duplicate file {path}";
            default:
                int cut = random.Next(text.Length + 1);
                files[index] = (path, text.Substring(0, cut));
                files.Add(("Rest." + path, text.Substring(cut)));
                return $"split file {path} at {cut}";
        }
    }

    private static SyntaxNode Parse(string text) => CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions).GetRoot();

    private static List<SyntaxToken> Tokens(string text) =>
        Parse(text).DescendantTokens().Where(t => t.Span.Length > 0).ToList();

    private static string? DeleteToken(FuzzRandom random, string text)
    {
        var tokens = Tokens(text);
        if (tokens.Count == 0)
        {
            return null;
        }

        var token = random.Pick(tokens);
        return text.Remove(token.SpanStart, token.Span.Length);
    }

    private static string? DuplicateToken(FuzzRandom random, string text)
    {
        var tokens = Tokens(text);
        if (tokens.Count == 0)
        {
            return null;
        }

        var token = random.Pick(tokens);
        return text.Insert(token.Span.End, " " + token.Text);
    }

    private static string? RemoveToken(FuzzRandom random, string text, SyntaxKind kind)
    {
        var tokens = Tokens(text).Where(t => t.IsKind(kind)).ToList();
        if (tokens.Count == 0)
        {
            return null;
        }

        var token = random.Pick(tokens);
        return text.Remove(token.SpanStart, token.Span.Length);
    }

    private static string? EditLines(FuzzRandom random, string text, Action<List<string>, int> edit)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count < 2)
        {
            return null;
        }

        edit(lines, random.Next(lines.Count));
        return string.Join("\n", lines);
    }

    private static string? HostileAttributeArgument(FuzzRandom random, string text)
    {
        var arguments = Parse(text).DescendantNodes().OfType<AttributeArgumentSyntax>().ToList();
        if (arguments.Count == 0)
        {
            return AddAttributeArgument(random, text);
        }

        var expression = random.Pick(arguments).Expression;
        return Replace(text, expression.Span, random.Pick(HostileValues.AttributeArguments));
    }

    private static string? AddAttributeArgument(FuzzRandom random, string text)
    {
        var attributes = Parse(text).DescendantNodes().OfType<AttributeSyntax>().ToList();
        if (attributes.Count == 0)
        {
            return null;
        }

        var attribute = random.Pick(attributes);
        string value = random.Pick(HostileValues.AttributeArguments);
        string argument = random.Chance(0.2) ? value : $"{random.Pick(HostileValues.ArgumentNames)} = {value}";
        if (attribute.ArgumentList is not { } list)
        {
            return text.Insert(attribute.Span.End, $"({argument})");
        }

        if (list.CloseParenToken.IsMissing)
        {
            return null;
        }

        return text.Insert(list.CloseParenToken.SpanStart, list.Arguments.Count == 0 ? argument : ", " + argument);
    }

    private static string? HostileNumber(FuzzRandom random, string text)
    {
        var numbers = Tokens(text).Where(t => t.IsKind(SyntaxKind.NumericLiteralToken)).ToList();
        return numbers.Count == 0 ? null : Replace(text, random.Pick(numbers).Span, random.Pick(HostileValues.Numbers));
    }

    private static string? DuplicateMember(FuzzRandom random, string text)
    {
        var members = Parse(text).DescendantNodes().OfType<MemberDeclarationSyntax>().Where(m => m is not BaseNamespaceDeclarationSyntax).ToList();
        if (members.Count == 0)
        {
            return null;
        }

        var member = random.Pick(members);
        return text.Insert(member.FullSpan.End, member.ToFullString());
    }

    private static string? BreakGenerics(FuzzRandom random, string text)
    {
        var root = Parse(text);
        var typeArguments = root.DescendantNodes().OfType<TypeArgumentListSyntax>().ToList();
        var types = root.DescendantNodes().OfType<TypeDeclarationSyntax>().ToList();
        switch (random.Next(4))
        {
            case 0 when typeArguments.Count > 0:
                var list = random.Pick(typeArguments);
                return random.Next(3) switch
                {
                    0 => list.GreaterThanToken.IsMissing ? null : text.Remove(list.GreaterThanToken.SpanStart, 1),
                    1 => Replace(text, list.Span, "<>"),
                    _ => list.GreaterThanToken.IsMissing ? null : text.Insert(list.GreaterThanToken.SpanStart, random.Pick(new[] { ", int", ", Tensor", ", ", ", T" })),
                };
            case 1 when typeArguments.Count > 0:
                return Replace(text, random.Pick(typeArguments).Span, string.Empty);
            case 2 when types.Count > 0:
                var type = random.Pick(types);
                return type.TypeParameterList is { } parameters
                    ? (random.Chance(0.5) ? Replace(text, parameters.Span, string.Empty) : text.Insert(parameters.GreaterThanToken.SpanStart, ", TExtra"))
                    : text.Insert(type.Identifier.Span.End, random.Pick(new[] { "<T>", "<in T>", "<T, T>", "<@int>", "<>" }));
            case 3 when types.Count > 0:
                var constrained = random.Pick(types);
                return constrained.OpenBraceToken.IsMissing
                    ? null
                    : text.Insert(constrained.OpenBraceToken.SpanStart, random.Pick(new[] { " where T : struct ", " where T : Module<Tensor, Tensor>, new() ", " where : ", " where T : T " }));
            default:
                return null;
        }
    }

    private static string? ReplaceKeyword(FuzzRandom random, string text)
    {
        var candidates = Tokens(text)
            .Select(t => (Token: t, Family: HostileValues.KeywordFamilies.FirstOrDefault(f => f.Contains(t.Text, StringComparer.Ordinal))))
            .Where(c => c.Family is not null)
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var (token, family) = random.Pick(candidates);
        return Replace(text, token.Span, random.Pick(family!));
    }

    private static string? AttributeOnOddTarget(FuzzRandom random, string text)
    {
        var root = Parse(text);
        if (random.Chance(0.1))
        {
            // Assembly and module attributes go after the usings (and before any namespace member).
            int position = root is CompilationUnitSyntax { Usings.Count: > 0 } unit ? unit.Usings.Last().FullSpan.End : 0;
            return text.Insert(position, random.Pick(HostileValues.GlobalAttributes) + "\n");
        }

        var targets = root.DescendantNodes()
            .Where(n => n is MemberDeclarationSyntax and not BaseNamespaceDeclarationSyntax
                or ParameterSyntax or TypeParameterSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax
                or LocalDeclarationStatementSyntax or ParenthesizedLambdaExpressionSyntax)
            .ToList();
        if (targets.Count == 0)
        {
            return null;
        }

        return text.Insert(random.Pick(targets).SpanStart, random.Pick(HostileValues.Attributes) + " ");
    }

    /// <summary>
    /// Copies a type declaration under a name that differs only in case or in characters a file name cannot
    /// hold (an undertie, a combining accent), renaming its constructors too so the copy can compile.
    /// </summary>
    private static string? CaseVariantCopy(FuzzRandom random, string text)
    {
        var types = Parse(text).DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.ValueText.Length > 0).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var type = random.Pick(types);
        string name = type.Identifier.ValueText;
        string variant = random.Next(4) switch
        {
            0 => name.ToUpperInvariant(),
            1 => name.ToLowerInvariant(),
            2 => name + "\u203F",
            _ => name + "_",
        };
        if (variant == name)
        {
            variant = char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name.Substring(1) : char.ToUpperInvariant(name[0]) + name.Substring(1);
        }

        var renamed = type.ReplaceTokens(
            type.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name),
            (original, _) => SyntaxFactory.Identifier(original.LeadingTrivia, variant, original.TrailingTrivia));
        return text.Insert(type.FullSpan.End, "\n" + renamed.ToFullString());
    }

    private static string Replace(string text, Microsoft.CodeAnalysis.Text.TextSpan span, string replacement) =>
        text.Substring(0, span.Start) + replacement + text.Substring(span.End);
}
