using System.Collections.Immutable;
using Dwf.Generators.Emitting;
using Dwf.Generators.Model;
using Dwf.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Generators;

/// <summary>
/// For every <c>partial</c> TorchSharp module class carrying <c>[Dwf.Factorize]</c>, emits the members that
/// wire the Dwf runtime in (see docs/generator.md). Invalid input produces no output and no diagnostic: the
/// Dwf analyzers explain it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class FactorizeGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FactorizeAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => FactorizedClassParser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse)
            .SelectMany(static (model, _) => model is null ? ImmutableArray<FactorizedClassModel>.Empty : ImmutableArray.Create(model))
            .WithTrackingName(TrackingNames.Valid);

        // One model per class, each with its own file name (see UniqueHintNames).
        var byType = models
            .Collect()
            .WithTrackingName(TrackingNames.Collected)
            .SelectMany(static (all, _) => UniqueHintNames.Assign(all))
            .WithTrackingName(TrackingNames.ByType);

        context.RegisterSourceOutput(byType, static (output, model) =>
            output.AddSource(model.HintName, FactorizedClassEmitter.Emit(model)));
    }
}
