using System.Collections.Immutable;
using Dwf.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF017: inside a TorchSharp module, a submodule invoked as <c>layer.forward(x)</c> instead of
/// <c>layer.call(x)</c>. TorchSharp runs forward hooks only in <c>call</c>, and sparse inference
/// (<c>SparseForward</c>) substitutes its kernels through hooks, so such a layer would stay dense; the runtime
/// refuses the model with the layer's name, this rule says it while typing.
/// </summary>
/// <remarks>
/// A syntax node action on invocations whose callee is a member access named <c>forward</c> (a purely
/// syntactic pre-filter); only those are bound. <c>base.forward</c> and <c>this.forward</c> are the module's own
/// forward and stay silent, as do calls outside module classes (a training loop calling <c>model.forward</c>
/// does not stop hooks on the model's layers). Severity: Warning in a <c>[Factorize]</c> class, Info elsewhere,
/// so that adding the package does not break a build that treats warnings as errors over code that never
/// meets sparse inference.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SubmoduleForwardAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SubmoduleForwardSkipsHooks);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.Resolve(start.Compilation) is not { Module: not null } types)
            {
                return;
            }

            start.RegisterSyntaxNodeAction(c => Analyze(c, types), SyntaxKind.InvocationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, KnownTypes types)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "forward" } access
            || access.Expression is ThisExpressionSyntax or BaseExpressionSyntax)
        {
            return;
        }

        var model = context.SemanticModel;
        if (model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol { IsStatic: false } method
            || !types.IsModule(method.ContainingType)
            || model.GetEnclosingSymbol(invocation.SpanStart, context.CancellationToken)?.ContainingType is not { } enclosing
            || !types.IsModule(enclosing))
        {
            return;
        }

        var severity = types.FindFactorize(enclosing) is not null ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.SubmoduleForwardSkipsHooks,
            access.Name.GetLocation(),
            severity,
            additionalLocations: null,
            properties: null,
            access.Expression.ToString()));
    }
}
