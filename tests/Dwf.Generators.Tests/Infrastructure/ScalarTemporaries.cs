using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Generators.Tests.Infrastructure;

/// <summary>
/// Finds the places where a TorchSharp <c>Scalar</c> is made as a temporary: it can then be finalized while libtorch
/// still reads it (Dwf.Numerics.Scalars says why).
/// </summary>
/// <remarks>
/// Three shapes, from TorchSharp 0.107's sources: an implicit conversion to Scalar at the call (<c>t.mul_(0.5)</c>);
/// <c>add</c>, <c>add_</c>, <c>addcdiv</c>, <c>addcdiv_</c> without their alpha/value (TorchSharp passes a temporary
/// 1); and TorchSharp's tensor operators that make one inside: every <c>+</c> (it calls <c>add</c>) and every
/// operator with a number operand (<c>t * 2.0</c> calls <c>mul(Scalar)</c>).
/// </remarks>
internal static class ScalarTemporaries
{
    private static readonly HashSet<string> AlphaDefaulted = new() { "add", "add_", "addcdiv", "addcdiv_" };

    /// <summary>"path:line: what", one per temporary, in source order.</summary>
    public static IReadOnlyList<string> Find(Compilation compilation, System.Func<string, string> displayPath)
    {
        var scalar = compilation.GetTypeByMetadataName("TorchSharp.Scalar")
            ?? throw new System.InvalidOperationException("The compilation does not reference TorchSharp.");
        var found = new List<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes().OfType<ExpressionSyntax>())
            {
                // The name of a member access has the access's type; count the access once.
                if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node)
                {
                    continue;
                }

                string? what = Classify(model, node, scalar);
                if (what is not null)
                {
                    int line = tree.GetLineSpan(node.Span).StartLinePosition.Line + 1;
                    found.Add($"{displayPath(tree.FilePath)}:{line}: {what}");
                }
            }
        }

        return found;
    }

    private static string? Classify(SemanticModel model, ExpressionSyntax node, INamedTypeSymbol scalar)
    {
        var type = model.GetTypeInfo(node);
        if (SymbolEqualityComparer.Default.Equals(type.ConvertedType, scalar) &&
            !SymbolEqualityComparer.Default.Equals(type.Type, scalar) &&
            model.GetConversion(node).IsUserDefined)
        {
            return $"implicit Scalar from '{node}'";
        }

        if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol method || method.ContainingAssembly?.Name != "TorchSharp")
        {
            return null;
        }

        if (node is InvocationExpressionSyntax && AlphaDefaulted.Contains(method.Name) &&
            method.ContainingType.Name == "Tensor" &&
            !method.Parameters.Any(p => p.Name is "alpha" or "value"))
        {
            return $"{method.Name} without alpha in '{node}'";
        }

        if (method.MethodKind == MethodKind.UserDefinedOperator && method.ContainingType.Name == "Tensor" &&
            (method.Name == "op_Addition" || method.Parameters.Any(p => p.Type.Name != "Tensor")))
        {
            return $"operator in '{node}'";
        }

        return null;
    }
}
