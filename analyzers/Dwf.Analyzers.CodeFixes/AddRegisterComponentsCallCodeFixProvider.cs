using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Dwf.Analyzers.CodeFixes;

/// <summary>
/// DWF009: appends <c>RegisterComponents();</c> to every constructor of the class (in the diagnostic's
/// document) that neither calls it nor delegates to another constructor with <c>: this(...)</c>. An
/// expression-bodied constructor becomes a block; one whose body is a throw expression is left alone.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRegisterComponentsCallCodeFixProvider)), Shared]
public sealed class AddRegisterComponentsCallCodeFixProvider : SyntaxRewritingCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RegisterComponentsNotCalled);

    protected override Task<string?> GetTitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Task.FromResult(ConstructorsToFix(root, diagnostic).Any() ? "Call RegisterComponents() at the end of each constructor" : null);

    protected override Task<SyntaxNode> RewriteAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var constructors = new HashSet<ConstructorDeclarationSyntax>(diagnostics.SelectMany(d => ConstructorsToFix(root, d)));
        return Task.FromResult(root.ReplaceNodes(constructors, (original, _) => AppendCall(original)));
    }

    private static IEnumerable<ConstructorDeclarationSyntax> ConstructorsToFix(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax type)
        {
            return Enumerable.Empty<ConstructorDeclarationSyntax>();
        }

        return type.Members.OfType<ConstructorDeclarationSyntax>().Where(c => RegisterComponentsCalls.NeedsCall(c) && CanAppend(c));
    }

    private static bool CanAppend(ConstructorDeclarationSyntax constructor) =>
        constructor.Body is not null
        || constructor.ExpressionBody?.Expression is { } expression && IsStatementExpression(expression);

    private static ConstructorDeclarationSyntax AppendCall(ConstructorDeclarationSyntax constructor)
    {
        var call = SyntaxFactory.ExpressionStatement(
            SyntaxFactory.InvocationExpression(SyntaxFactory.IdentifierName(RegisterComponentsCalls.MethodName)));

        if (constructor.Body is { } body)
        {
            // A one-line body stays on one line: a parsed statement carries no elastic trivia, which the
            // cleanup after a code action would reformat. Otherwise the formatter places the new statement.
            var lines = body.SyntaxTree.GetLineSpan(body.Span);
            bool oneLine = lines.StartLinePosition.Line == lines.EndLinePosition.Line;
            return constructor.WithBody(body.AddStatements(oneLine
                ? SyntaxFactory.ParseStatement(RegisterComponentsCalls.MethodName + "(); ")
                : call.WithAdditionalAnnotations(Formatter.Annotation)));
        }

        var expressionBody = constructor.ExpressionBody!;
        var block = SyntaxFactory.Block(
            SyntaxFactory.ExpressionStatement(expressionBody.Expression.WithoutTrivia()),
            call);
        return constructor
            .WithExpressionBody(null)
            .WithSemicolonToken(default)
            .WithParameterList(constructor.ParameterList.WithoutTrailingTrivia())
            .WithInitializer(constructor.Initializer?.WithoutTrailingTrivia())
            .WithBody(block.WithTrailingTrivia(constructor.SemicolonToken.TrailingTrivia))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>Expressions C# accepts as statements (so <c>=&gt; x</c> can become <c>{ x; }</c>).</summary>
    private static bool IsStatementExpression(ExpressionSyntax expression) => expression
        is AssignmentExpressionSyntax
        or InvocationExpressionSyntax
        or BaseObjectCreationExpressionSyntax
        or AwaitExpressionSyntax
        or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression }
        or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression };
}
