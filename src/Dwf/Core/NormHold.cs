namespace Dwf;

/// <summary>How a scale-invariant weight's channel norms are held (<see cref="Factorization.ScaleInvariantNormHold"/>).</summary>
public enum NormHold
{
    /// <summary>Each channel on the sphere of its starting norm: the penalty cannot shrink it, and it cannot grow.</summary>
    Exactly,

    /// <summary>
    /// Each channel at least at its starting norm: the penalty cannot shrink it below, while the loss gradient (orthogonal
    /// to an invariant channel, so it only lengthens it) may grow it, lowering its effective learning rate as in dense training.
    /// </summary>
    AtLeast,
}
