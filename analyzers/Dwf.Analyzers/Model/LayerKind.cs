namespace Dwf.Analyzers.Model;

/// <summary>What a field of a given static type can contribute to a factorization.</summary>
internal enum LayerKind
{
    /// <summary>Linear, Conv1d/2d/3d, ConvTranspose1d/2d/3d, Bilinear: factorized by a class-level [Factorize].</summary>
    FactorizedByDefault,

    /// <summary>Embedding and Parameter: factorized only when the field itself carries [Factorize].</summary>
    OptIn,

    /// <summary>
    /// Containers, module base types, interfaces, custom modules and TorchSharp modules not known to be
    /// weightless: the static type does not tell, so the analyzers assume it can hold an eligible layer.
    /// </summary>
    MayHoldLayers,

    /// <summary>A module that holds nothing the runtime factorizes (normalization, dropout, activations, pooling, ...).</summary>
    NotFactorizable,

    /// <summary>Not a module nor a Parameter: RegisterComponents() does not register it as a child or parameter.</summary>
    NotRegistered,
}
