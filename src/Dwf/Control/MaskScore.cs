namespace Dwf;

/// <summary>How the compression controller's mask ranks weights across layers (<see cref="CompressionControllerOptions.MaskScore"/>).</summary>
public enum MaskScore
{
    /// <summary>Global magnitude |W|: one list for the whole model (the default; gradual magnitude pruning's rule).</summary>
    Magnitude,

    /// <summary>
    /// Layer-adaptive magnitude (LAMP, Lee et al., ICLR 2021): within each layer, a weight's score is w² divided by the
    /// sum of w² over the weights of that layer at least as large, then one global ranking. Unchanged by rescaling a
    /// layer, so the layers before a BatchNorm (whose scale is arbitrary) are compared by how their weights are
    /// distributed rather than by their initialization scale, and a layer's largest weight always scores 1, so no
    /// layer is emptied.
    /// </summary>
    LayerAdaptive,
}
