using System.Threading;
using Dwf.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Dwf.Generators.Parsing;

/// <summary>
/// The pipeline's transform: turns a class carrying <c>[Factorize]</c> into a <see cref="FactorizedClassModel"/>,
/// or <c>null</c> for invalid input. It reads symbols and syntax but copies out only values.
/// </summary>
internal static class FactorizedClassParser
{
    public static FactorizedClassModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || !DeclarationShape.HasWritableNames(type))
        {
            return null;
        }

        var plan = PlanReader.Read(type, context.SemanticModel.Compilation, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        string metadataName = DeclarationShape.MetadataName(type);
        return new FactorizedClassModel(
            metadataName,
            DeclarationShape.HintName(metadataName),
            DeclarationShape.Namespace(type),
            DeclarationShape.ContainingTypes(type),
            DeclarationShape.Describe(type),
            type.IsSealed,
            DeclarationShape.DisplayName(type),
            plan.Mode,
            plan.Options,
            plan.Fields);
    }
}
