using Microsoft.CodeAnalysis;

namespace Dwf.Analyzers.Model;

/// <summary>
/// Decides from a field's static type what the field can contribute to a factorization. Errs towards
/// <see cref="LayerKind.MayHoldLayers"/>: a type that might hold an eligible layer at run time is never
/// reported as unfactorizable.
/// </summary>
internal sealed class LayerClassifier
{
    private readonly KnownTypes _types;

    public LayerClassifier(KnownTypes types) => _types = types;

    public LayerClassification Classify(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol typeParameter:
                return ClassifyTypeParameter(typeParameter);
            case INamedTypeSymbol { TypeKind: TypeKind.Interface }:
                // Any module class may implement the interface (ModuleList<T> is an IList<T>, for one).
                return new LayerClassification(LayerKind.MayHoldLayers, string.Empty);
            case INamedTypeSymbol { TypeKind: TypeKind.Class } named:
                return ClassifyClass(named);
            default:
                return NotRegistered(type);
        }
    }

    private LayerClassification ClassifyClass(INamedTypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_Object)
        {
            return new LayerClassification(LayerKind.MayHoldLayers, string.Empty);
        }

        if (_types.Parameter is not null && KnownTypes.DerivesFrom(type, _types.Parameter))
        {
            return new LayerClassification(LayerKind.OptIn, string.Empty);
        }

        if (!_types.IsModule(type))
        {
            if (_types.Tensor is not null && KnownTypes.DerivesFrom(type, _types.Tensor))
            {
                return new LayerClassification(
                    LayerKind.NotRegistered,
                    $"{Display(type)} is registered as a buffer, which is not trained; declare the field as Parameter to factorize it");
            }

            return NotRegistered(type);
        }

        // Walk towards torch.nn.Module: the first TorchSharp layer type on the way decides.
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsInTorchSharpModulesNamespace(current))
            {
                string name = current.MetadataName;
                if (TorchSharpLayerCatalog.IsFactorizedByDefault(name))
                {
                    return new LayerClassification(LayerKind.FactorizedByDefault, string.Empty);
                }

                if (TorchSharpLayerCatalog.IsOptInLayer(name))
                {
                    return new LayerClassification(LayerKind.OptIn, string.Empty);
                }

                if (TorchSharpLayerCatalog.IsElementContainer(name) && current.TypeArguments.Length == 1)
                {
                    return ClassifyElements(type, current.TypeArguments[0]);
                }

                if (TorchSharpLayerCatalog.TryGetNotFactorizable(name, out var phrase))
                {
                    return new LayerClassification(LayerKind.NotFactorizable, $"{Display(type)} is {phrase}");
                }
            }
            else if (IsTorchSharpLoss(current))
            {
                return new LayerClassification(LayerKind.NotFactorizable, $"{Display(type)} is {TorchSharpLayerCatalog.LossPhrase}");
            }
        }

        return new LayerClassification(LayerKind.MayHoldLayers, string.Empty);
    }

    private LayerClassification ClassifyElements(INamedTypeSymbol container, ITypeSymbol element)
    {
        var inner = Classify(element);
        return inner.Kind == LayerKind.NotFactorizable
            ? new LayerClassification(LayerKind.NotFactorizable, $"{Display(container)} holds only {Display(element)} elements, and {inner.Reason}")
            : inner;
    }

    private LayerClassification ClassifyTypeParameter(ITypeParameterSymbol typeParameter)
    {
        // The most specific constraint decides; an unconstrained type parameter can be anything.
        foreach (var constraint in typeParameter.ConstraintTypes)
        {
            var classification = Classify(constraint);
            if (classification.Kind != LayerKind.MayHoldLayers)
            {
                return classification;
            }
        }

        return typeParameter.HasValueTypeConstraint || typeParameter.HasUnmanagedTypeConstraint
            ? NotRegistered(typeParameter)
            : new LayerClassification(LayerKind.MayHoldLayers, string.Empty);
    }

    private static LayerClassification NotRegistered(ITypeSymbol type) => new(
        LayerKind.NotRegistered,
        $"{Display(type)} is not a TorchSharp module or Parameter, so RegisterComponents() does not register it");

    private static bool IsInTorchSharpModulesNamespace(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        return type.ContainingType is null
            && ns is { Name: "Modules" }
            && ns.ContainingNamespace is { Name: "TorchSharp" } torchSharp
            && torchSharp.ContainingNamespace is { IsGlobalNamespace: true };
    }

    private static bool IsTorchSharpLoss(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        return type.ContainingType is null
            && type.Name is "Loss" or "WeightedLoss"
            && ns is { Name: "TorchSharp" }
            && ns.ContainingNamespace is { IsGlobalNamespace: true };
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
}
