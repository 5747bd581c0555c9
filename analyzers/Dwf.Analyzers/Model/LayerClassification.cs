namespace Dwf.Analyzers.Model;

/// <summary>The <see cref="LayerKind"/> of a field type, with the reason when it cannot be factorized.</summary>
/// <param name="Kind">What the field can contribute.</param>
/// <param name="Reason">
/// For <see cref="LayerKind.NotFactorizable"/> and <see cref="LayerKind.NotRegistered"/>, why, as a clause
/// that starts with the type name (e.g. "BatchNorm2d is a normalization layer, ..."); otherwise empty.
/// </param>
internal readonly record struct LayerClassification(LayerKind Kind, string Reason)
{
    public bool CanHoldEligibleLayer(bool fieldHasFactorize) =>
        Kind is LayerKind.FactorizedByDefault or LayerKind.MayHoldLayers
        || (Kind == LayerKind.OptIn && fieldHasFactorize);
}
