using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Dwf.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Analyzers.Analyzers;

/// <summary>
/// DWF018: in a module that implements <c>Dwf.Deployment.IDescribesGraph</c>, a submodule field that
/// <c>forward</c> uses and <c>DescribeGraph</c> never does. SparseForward's graph path compares the described graph
/// with the forward on a probe input and refuses a description that differs; the usual cause is a layer left out
/// (a shortcut, a norm), which this rule finds while typing.
/// </summary>
/// <remarks>
/// A syntax node action per class declaration that declares both methods. The fields each method uses are
/// collected from its body and from the bodies of the same class's methods it calls (declared in the same class
/// declaration, followed transitively), so describing through helpers is not reported. Only fields whose type
/// derives from <c>torch.nn.Module</c> count; which of them a method uses is all the rule looks at, not the order.
/// Both methods must be declared in the same part of a partial class (otherwise the rule stays silent).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GraphDescriptionAnalyzer : DiagnosticAnalyzer
{
    private const string DescribesGraphName = "Dwf.Deployment.IDescribesGraph";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.GraphDescriptionMissesLayer);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.Resolve(start.Compilation) is not { Module: not null } types
                || start.Compilation.GetTypeByMetadataName(DescribesGraphName) is not { } describesGraph)
            {
                return;
            }

            start.RegisterSyntaxNodeAction(c => Analyze(c, types, describesGraph), SyntaxKind.ClassDeclaration);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, KnownTypes types, INamedTypeSymbol describesGraph)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        var forward = declaration.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == "forward" && m.ParameterList.Parameters.Count == 1);
        var describe = declaration.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == "DescribeGraph" && m.ParameterList.Parameters.Count == 2);
        if (forward is null || describe is null
            || context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } type
            || !type.AllInterfaces.Contains(describesGraph, SymbolEqualityComparer.Default))
        {
            return;
        }

        var used = ModuleFieldsUsed(context, declaration, type, types, forward);
        var described = ModuleFieldsUsed(context, declaration, type, types, describe);
        foreach (var field in used.Where(f => !described.Contains(f)).OrderBy(f => f.Name, System.StringComparer.Ordinal))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GraphDescriptionMissesLayer, describe.Identifier.GetLocation(), field.Name));
        }
    }

    // The module-typed fields of `type` a method uses, following calls to the class's own methods in this declaration.
    private static HashSet<IFieldSymbol> ModuleFieldsUsed(SyntaxNodeAnalysisContext context, ClassDeclarationSyntax declaration, INamedTypeSymbol type, KnownTypes types, MethodDeclarationSyntax start)
    {
        var fields = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var visited = new HashSet<MethodDeclarationSyntax>();
        var pending = new Stack<MethodDeclarationSyntax>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            var method = pending.Pop();
            if (!visited.Add(method))
            {
                continue;
            }

            foreach (var name in method.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                switch (context.SemanticModel.GetSymbolInfo(name, context.CancellationToken).Symbol)
                {
                    case IFieldSymbol field when SymbolEqualityComparer.Default.Equals(field.ContainingType, type) && types.IsModule(field.Type):
                        fields.Add(field);
                        break;
                    case IMethodSymbol called when SymbolEqualityComparer.Default.Equals(called.ContainingType, type):
                        foreach (var reference in called.DeclaringSyntaxReferences)
                        {
                            if (reference.GetSyntax(context.CancellationToken) is MethodDeclarationSyntax body && body.Parent == declaration)
                            {
                                pending.Push(body);
                            }
                        }

                        break;
                }
            }
        }

        return fields;
    }
}
