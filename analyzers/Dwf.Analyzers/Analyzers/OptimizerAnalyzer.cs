using System.Collections.Immutable;
using Dwf.Analyzers.Model;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF010: a TorchSharp optimizer (a <c>torch.optim</c> factory or an optimizer constructor) fed with
/// <c>parameters()</c>/<c>named_parameters()</c> of a factorized module. Such an optimizer updates the
/// product weights, which the factorization overwrites, and never the factors. Only the direct form is
/// recognized; parameters passed through a variable are not tracked.
/// </summary>
/// <remarks>
/// A syntax node action with a syntactic pre-filter (an argument that calls <c>parameters</c> or
/// <c>named_parameters</c>) rather than an operation action: operation actions make the analyzer driver
/// build an operation tree for every method body of the compilation, which cost more than all other Dwf
/// analyzers together in the benchmark (docs/analyzers.md). Only the rare candidates are bound.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptimizerAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.OptimizerMissesFactors);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.Resolve(start.Compilation) is not { OptimFactories: not null } types)
            {
                return;
            }

            start.RegisterSyntaxNodeAction(
                c => Analyze(c, types),
                SyntaxKind.InvocationExpression, SyntaxKind.ObjectCreationExpression, SyntaxKind.ImplicitObjectCreationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, KnownTypes types)
    {
        var arguments = context.Node switch
        {
            InvocationExpressionSyntax invocation => invocation.ArgumentList,
            BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
            _ => null,
        };
        if (arguments is null || !HasParametersCallArgument(arguments)
            || context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is not { } operation
            || OptimizerCall.TryMatch(operation, types) is not { } call)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.OptimizerMissesFactors,
            context.Node.GetLocation(),
            call.OptimizerDisplay,
            call.ParametersCall.Syntax.ToString(),
            SymbolNames.Of(call.ParametersCall.Instance!.Type!),
            call.Suggestion));
    }

    private static bool HasParametersCallArgument(ArgumentListSyntax arguments)
    {
        foreach (var argument in arguments.Arguments)
        {
            if (argument.Expression is InvocationExpressionSyntax { Expression: var callee }
                && (callee switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                    _ => null,
                }) is "parameters" or "named_parameters")
            {
                return true;
            }
        }

        return false;
    }
}
