namespace Dwf;

/// <summary>The standard deviation σ_w that the initial product W = ⊙ w_d is matched to.</summary>
public enum InitStd
{
    /// <summary>
    /// The std of the layer's own TorchSharp initialization: <c>1/√(3·fan_in)</c> for Linear, Conv,
    /// ConvTranspose and Bilinear (kaiming_uniform with a = √5), 1 for Embedding, the current values'
    /// std for any other parameter.
    /// </summary>
    LayerDefault = 0,

    /// <summary>He (Kaiming normal) initialization: <c>√(2/fan_in)</c>.</summary>
    He = 1,

    /// <summary>A fixed value given by <see cref="FactorizeAttribute.InitStdValue"/>.</summary>
    Fixed = 2,
}
