using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>
/// DWF006 (remove [Factorize] from a field that cannot be factorized), DWF011 (remove the misplaced
/// [Dense]), DWF012 (remove [Factorize]/[Dense] from a property or static field): the diagnostic points
/// at the attribute to remove.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAttributeCodeFixProvider)), Shared]
public sealed class RemoveAttributeCodeFixProvider : SyntaxRewritingCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.FieldNotFactorizable,
        DiagnosticIds.DenseMisplaced,
        DiagnosticIds.AttributeOnUnregisteredMember);

    protected override Task<string?> GetTitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Task.FromResult(FindAttribute(root, diagnostic) is { } attribute && AttributeRemoval.OwnerOf(attribute) is not null
            ? $"Remove [{AttributeRemoval.ShortName(attribute)}]"
            : null);

    protected override Task<SyntaxNode> RewriteAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var attributes = diagnostics.Select(d => FindAttribute(root, d)).OfType<AttributeSyntax>();
        var byOwner = AttributeRemoval.GroupByOwner(attributes).ToDictionary(g => g.Key, g => (ICollection<AttributeSyntax>)new HashSet<AttributeSyntax>(g));
        return Task.FromResult(root.ReplaceNodes(byOwner.Keys, (original, _) => AttributeRemoval.Remove(original, byOwner[original])));
    }

    private static AttributeSyntax? FindAttribute(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.Location.SourceSpan) as AttributeSyntax;
}
