using Microsoft.CodeAnalysis;

namespace Dwf.Analyzers.Model;

/// <summary>
/// The Dwf and TorchSharp types the analyzers recognize, looked up once per compilation by metadata name
/// (the analyzers never reference either assembly). A member is <c>null</c> when the compilation does
/// not reference the assembly that defines it.
/// </summary>
internal sealed class KnownTypes
{
    public const string FactorizeAttributeName = "Dwf.FactorizeAttribute";
    public const string DenseAttributeName = "Dwf.DenseAttribute";
    public const string FactorizedModuleInterfaceName = "Dwf.IFactorizedModule";
    public const string ModuleName = "TorchSharp.torch+nn+Module";
    public const string ParameterName = "TorchSharp.Modules.Parameter";
    public const string TensorName = "TorchSharp.torch+Tensor";
    public const string ComponentNameAttributeName = "TorchSharp.Utils.ComponentNameAttribute";
    public const string OptimFactoriesName = "TorchSharp.torch+optim";
    public const string OptimizerName = "TorchSharp.torch+optim+Optimizer";

    private KnownTypes(Compilation compilation)
    {
        FactorizeAttribute = compilation.GetTypeByMetadataName(FactorizeAttributeName);
        DenseAttribute = compilation.GetTypeByMetadataName(DenseAttributeName);
        FactorizedModuleInterface = compilation.GetTypeByMetadataName(FactorizedModuleInterfaceName);
        Module = compilation.GetTypeByMetadataName(ModuleName);
        Parameter = compilation.GetTypeByMetadataName(ParameterName);
        Tensor = compilation.GetTypeByMetadataName(TensorName);
        ComponentNameAttribute = compilation.GetTypeByMetadataName(ComponentNameAttributeName);
        OptimFactories = compilation.GetTypeByMetadataName(OptimFactoriesName);
        Optimizer = compilation.GetTypeByMetadataName(OptimizerName);
    }

    public INamedTypeSymbol? FactorizeAttribute { get; }

    public INamedTypeSymbol? DenseAttribute { get; }

    public INamedTypeSymbol? FactorizedModuleInterface { get; }

    public INamedTypeSymbol? Module { get; }

    public INamedTypeSymbol? Parameter { get; }

    public INamedTypeSymbol? Tensor { get; }

    public INamedTypeSymbol? ComponentNameAttribute { get; }

    public INamedTypeSymbol? OptimFactories { get; }

    public INamedTypeSymbol? Optimizer { get; }

    /// <summary>
    /// The types of <paramref name="compilation"/>, or <c>null</c> when it does not reference Dwf (then no
    /// rule can apply and the analyzers register nothing).
    /// </summary>
    public static KnownTypes? Resolve(Compilation compilation)
    {
        var types = new KnownTypes(compilation);
        return types.FactorizeAttribute is null ? null : types;
    }

    public bool IsFactorizeAttribute(AttributeData attribute) =>
        SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, FactorizeAttribute);

    public bool IsDenseAttribute(AttributeData attribute) =>
        SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, DenseAttribute);

    /// <summary>The <c>[Factorize]</c> applied to <paramref name="symbol"/> itself, if any.</summary>
    public AttributeData? FindFactorize(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (IsFactorizeAttribute(attribute))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>The <c>[Dense]</c> applied to <paramref name="symbol"/> itself, if any.</summary>
    public AttributeData? FindDense(ISymbol symbol)
    {
        if (DenseAttribute is null)
        {
            return null;
        }

        foreach (var attribute in symbol.GetAttributes())
        {
            if (IsDenseAttribute(attribute))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="type"/> is TorchSharp's <c>torch.nn.Module</c> or derives from it.</summary>
    public bool IsModule(ITypeSymbol? type) => Module is not null && DerivesFrom(type, Module);

    /// <summary>True when instances of <paramref name="type"/> are factorized modules: <c>[Factorize]</c> classes, classes derived from one, and implementers of <c>IFactorizedModule</c>.</summary>
    public bool IsFactorizedModule(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (var constraint in typeParameter.ConstraintTypes)
            {
                if (IsFactorizedModule(constraint))
                {
                    return true;
                }
            }

            return false;
        }

        // A class derived from a [Factorize] class inherits its generated members and factorization.
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (FindFactorize(current.OriginalDefinition) is not null)
            {
                return true;
            }
        }

        if (FactorizedModuleInterface is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, FactorizedModuleInterface))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, FactorizedModuleInterface))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="baseType"/> (any construction of it) or derives from it.</summary>
    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
