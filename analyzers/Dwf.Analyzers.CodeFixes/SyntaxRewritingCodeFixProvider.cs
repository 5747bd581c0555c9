using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>
/// Base of the Dwf code fixes: a fix is one rewrite of a document's syntax root for a set of diagnostics,
/// used both for a single diagnostic and for Fix All (per document, all edits computed on the original
/// tree and applied at once, so edits to nested or shared nodes, like <c>partial</c> on a common
/// containing type, cannot conflict as merged text changes could).
/// </summary>
public abstract class SyntaxRewritingCodeFixProvider : CodeFixProvider
{
    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (await GetTitleAsync(context.Document, root, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } title)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixAsync(document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey(diagnostic)),
                diagnostic);
        }
    }

    /// <summary>The title of the fix for <paramref name="diagnostic"/>, or <c>null</c> when this provider cannot fix it.</summary>
    protected abstract Task<string?> GetTitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>Returns <paramref name="root"/> with all of <paramref name="diagnostics"/> fixed (those that can be).</summary>
    protected abstract Task<SyntaxNode> RewriteAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

    /// <summary>Fix All applies the fix chosen by the user only: one equivalence key per diagnostic id.</summary>
    protected virtual string EquivalenceKey(Diagnostic diagnostic) => $"{GetType().Name}.{diagnostic.Id}";

    private async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        return document.WithSyntaxRoot(await RewriteAsync(document, root, diagnostics, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var chosen = diagnostics.Where(d => EquivalenceKey(d) == context.CodeActionEquivalenceKey).ToImmutableArray();
        return chosen.IsEmpty ? document : await FixAsync(document, chosen, context.CancellationToken).ConfigureAwait(false);
    }
}
