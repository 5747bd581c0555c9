namespace Dwf;

/// <summary>How λ is shared between the layers of one factorized model.</summary>
public enum LambdaScaling
{
    /// <summary>Every weight gets the λ its <c>[Factorize]</c> resolves to: the paper's single global λ (default).</summary>
    Uniform = 0,

    /// <summary>
    /// Each weight's λ × <c>(fan_in / largest fan_in of the model)^(1/D)</c>, fan_in as PyTorch computes it (size(1) ×
    /// receptive field; a factorized bias uses its layer's weight). The penalty λ·|W|^(2/D) then weighs a weight of its
    /// layer's initial scale (∝ fan_in^(-1/2)) the same in every layer, where one λ presses hardest, relative to their
    /// size, on small-fan-in layers (a first convolution, the output layer). The largest layer keeps λ. Measured on
    /// LeNet-5 and LeNet-300-100: docs/experiments.md, "Against GMP".
    /// </summary>
    FanIn = 1,
}
