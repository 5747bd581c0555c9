namespace Dwf;

/// <summary>How the compression controller's mask ranks weights across layers (<see cref="CompressionControllerOptions.MaskScore"/>).</summary>
public enum MaskScore
{
    /// <summary>
    /// The default: <see cref="SynapticFlow"/> for a <c>Module&lt;Tensor, Tensor&gt;</c> whose normalization layers are
    /// all BatchNorm with running statistics (at least one), <see cref="Magnitude"/> for every other model (no
    /// normalization, LayerNorm or GroupNorm, several inputs). Behind a BatchNorm a weight's magnitude measures its layer's
    /// initialization scale, not its importance (docs/normalization.md); without one, magnitude is the ranking measured
    /// best. <see cref="CompressionController.MaskScore"/> says which one a controller uses.
    /// </summary>
    Automatic,

    /// <summary>Global magnitude |W|: one list for the whole model (gradual magnitude pruning's rule; the automatic choice without BatchNorm).</summary>
    Magnitude,

    /// <summary>
    /// Layer-adaptive magnitude (LAMP, Lee et al., ICLR 2021): within each layer, a weight's score is w² divided by the
    /// sum of w² over the weights of that layer at least as large, then one global ranking. Unchanged by rescaling a
    /// layer, so the layers before a BatchNorm (whose scale is arbitrary) are compared by how their weights are
    /// distributed rather than by their initialization scale, and a layer's largest weight always scores 1, so no
    /// layer is emptied.
    /// </summary>
    LayerAdaptive,

    /// <summary>
    /// Synaptic flow (SynFlow's score, Tanaka et al., NeurIPS 2020) of the network as it is at the mask event: |w · ∂R/∂w|
    /// with every parameter as its absolute value, every BatchNorm as a gain |γ| over its input's channel mean and R the
    /// sum of the outputs for an all-ones input. The norm divides by the scale of the weights before it, so that scale
    /// does not count; the flow through every layer is the same, so no layer is emptied and small layers (a stem,
    /// depthwise filters) keep more of theirs. One forward and backward pass on one input per mask event. The model must be a
    /// <c>Module&lt;Tensor, Tensor&gt;</c>; the input's shape is taken from its first <c>call</c> (or
    /// <see cref="CompressionControllerOptions.FlowInputShape"/>).
    /// </summary>
    SynapticFlow,
}
