namespace Dwf.Deployment;

/// <summary>How <see cref="SparseForward"/> runs one weight layer.</summary>
public enum SparseLayerStatus
{
    /// <summary>By a sparse kernel (only its non-zero weights are stored and multiplied).</summary>
    Sparse,

    /// <summary>By TorchSharp's dense kernel, because the sparse kernels cannot run it (see the reason).</summary>
    Dense,

    /// <summary>Not called by the model's forward on the probe input: nothing to serve.</summary>
    Unused,
}

/// <summary>One weight layer of a model served by <see cref="SparseForward"/>.</summary>
/// <param name="Name">The layer's name in the model (as in named_modules()).</param>
/// <param name="Type">Its TorchSharp type, e.g. Conv2d.</param>
/// <param name="Status">How it runs.</param>
/// <param name="NonZeroWeights">Non-zero weights stored by its sparse kernel (after folding), or of its dense weight.</param>
/// <param name="TotalWeights">Entries of its weight tensor.</param>
/// <param name="FoldedNorm">The BatchNorm folded into it, or null.</param>
/// <param name="Reason">Why it is dense or unused; null when sparse.</param>
public sealed record SparseLayerInfo(string Name, string Type, SparseLayerStatus Status, long NonZeroWeights, long TotalWeights, string? FoldedNorm, string? Reason);
