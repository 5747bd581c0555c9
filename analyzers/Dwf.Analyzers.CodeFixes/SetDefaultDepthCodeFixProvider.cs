using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>DWF003, DWF004: replaces the value of <c>Depth = ...</c> by the default depth, 3.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetDefaultDepthCodeFixProvider)), Shared]
public sealed class SetDefaultDepthCodeFixProvider : SyntaxRewritingCodeFixProvider
{
    /// <summary>Dwf.FactorizeAttribute.DefaultDepth (the analyzers do not reference the runtime).</summary>
    private const int DefaultDepth = 3;

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.DepthTooSmall, DiagnosticIds.DepthTooLarge);

    /// <summary>Too small and too large get the same fix, so Fix All handles both at once.</summary>
    protected override string EquivalenceKey(Diagnostic diagnostic) => nameof(SetDefaultDepthCodeFixProvider);

    protected override Task<string?> GetTitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Task.FromResult(FindArgument(root, diagnostic) is null ? null : $"Use Depth = {DefaultDepth}");

    protected override Task<SyntaxNode> RewriteAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var arguments = new List<AttributeArgumentSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (FindArgument(root, diagnostic) is { } argument)
            {
                arguments.Add(argument);
            }
        }

        return Task.FromResult(root.ReplaceNodes(arguments, (_, argument) => argument.WithExpression(
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(DefaultDepth))
                .WithTriviaFrom(argument.Expression))));
    }

    private static AttributeArgumentSyntax? FindArgument(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.Location.SourceSpan) is AttributeArgumentSyntax { NameEquals: not null } argument ? argument : null;
}
