using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Generators.Benchmarks;

/// <summary>
/// A reference point, not a product: the same <c>ForAttributeWithMetadataName</c> query as the Dwf generator
/// with a transform that only reads the class's name and emits nothing. Its time is what Roslyn itself spends
/// finding and binding the annotated classes; the Dwf generator's time above it is its own work.
/// </summary>
/// <remarks>Not marked [Generator]: the benchmark hands it to the driver directly; no compiler ever loads it.</remarks>
public sealed class NameOnlyGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var names = context.SyntaxProvider.ForAttributeWithMetadataName(
            "Dwf.FactorizeAttribute",
            static (node, _) => node is ClassDeclarationSyntax,
            static (syntaxContext, _) => syntaxContext.TargetSymbol.Name);
        context.RegisterSourceOutput(names, static (_, _) => { });
    }
}
