using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>DWF017: replaces <c>layer.forward(x)</c> by <c>layer.call(x)</c> (same result, hooks run).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseCallCodeFixProvider)), Shared]
public sealed class UseCallCodeFixProvider : SyntaxRewritingCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SubmoduleForwardSkipsHooks);

    protected override Task<string?> GetTitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(Find(root, diagnostic) is null ? null : "Use call()");

    protected override Task<SyntaxNode> RewriteAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var names = diagnostics.Select(d => Find(root, d)).OfType<SimpleNameSyntax>().Distinct().ToList();
        return Task.FromResult(root.ReplaceNodes(
            names,
            (original, _) => SyntaxFactory.IdentifierName(SyntaxFactory.Identifier("call")).WithTriviaFrom(original)));
    }

    private static SimpleNameSyntax? Find(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is SimpleNameSyntax { Identifier.ValueText: "forward" } name
            ? name
            : null;
}
