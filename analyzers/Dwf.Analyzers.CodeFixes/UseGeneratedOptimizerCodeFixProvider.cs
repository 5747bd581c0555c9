using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Dwf.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>
/// DWF010: replaces <c>torch.optim.SGD(model.parameters(), lr, ...)</c> by <c>model.CreateSgd(lr: lr, ...)</c>
/// and <c>torch.optim.AdamW(model.parameters(), ...)</c> by <c>model.CreateAdamW(lr: ..., ...)</c>, also for
/// the constructors. Offered only where every argument has a counterpart (see <see cref="OptimizerCall"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseGeneratedOptimizerCodeFixProvider)), Shared]
public sealed class UseGeneratedOptimizerCodeFixProvider : SyntaxRewritingCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.OptimizerMissesFactors);

    protected override async Task<string?> GetTitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model is not null && Match(root, model, diagnostic, cancellationToken) is { ReplacementMethod: { } method }
            ? $"Use {method}"
            : null;
    }

    protected override async Task<SyntaxNode> RewriteAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return root;
        }

        var replacements = new Dictionary<SyntaxNode, ExpressionSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (Match(root, model, diagnostic, cancellationToken) is { ReplacementMethod: { } method } call)
            {
                var original = call.Optimizer.Syntax;
                replacements[original] = BuildReplacement(call, method).WithTriviaFrom(original);
            }
        }

        return root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
    }

    private static OptimizerCall? Match(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (KnownTypes.Resolve(model.Compilation) is not { } types)
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return model.GetOperation(node, cancellationToken) is { } operation ? OptimizerCall.TryMatch(operation, types) : null;
    }

    private static ExpressionSyntax BuildReplacement(OptimizerCall call, string method)
    {
        ExpressionSyntax target = call.Receiver is { } receiver
            ? SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), SyntaxFactory.IdentifierName(method))
            : SyntaxFactory.IdentifierName(method);

        var arguments = call.Arguments.Select(a => SyntaxFactory.Argument(
            SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(a.Name)),
            default,
            a.Expression?.WithoutTrivia() ?? SyntaxFactory.ParseExpression(a.Literal!)));
        return SyntaxFactory.InvocationExpression(target, SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
