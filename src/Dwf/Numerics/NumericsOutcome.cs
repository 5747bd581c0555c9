namespace Dwf.Numerics;

/// <summary>What the native-numerics self-check found and did.</summary>
public enum NumericsOutcome
{
    /// <summary>Every checked float32 operation matched float64 with libtorch as shipped (oneDNN on).</summary>
    CorrectAsShipped,

    /// <summary>Some float32 operations were wrong with oneDNN; oneDNN was switched off and the check passed again.</summary>
    CorrectedWithOneDnnOff,

    /// <summary>The check was skipped (<see cref="NativeNumerics.CheckVariable"/>=off): results are not vouched for.</summary>
    NotChecked,
}
