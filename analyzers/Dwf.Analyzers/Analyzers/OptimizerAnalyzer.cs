using System.Collections.Immutable;
using Dwf.Analyzers.Model;
using Dwf.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF010: a TorchSharp optimizer (a <c>torch.optim</c> factory or an optimizer constructor) fed with
/// <c>parameters()</c>/<c>named_parameters()</c> of a factorized module. Such an optimizer updates the
/// product weights, which the factorization overwrites, and never the factors. Only the direct form is
/// recognized; parameters passed through a variable are not tracked.
/// </summary>
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

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation, OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        if (OptimizerCall.TryMatch(context.Operation, types) is not { } call)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.OptimizerMissesFactors,
            context.Operation.Syntax.GetLocation(),
            call.OptimizerDisplay,
            call.ParametersCall.Syntax.ToString(),
            SymbolNames.Of(call.ParametersCall.Instance!.Type!),
            call.Suggestion));
    }
}
