using System;
using System.Collections.Generic;

namespace Dwf.Numerics;

/// <summary>
/// libtorch computes wrong float32 results on this CPU and switching oneDNN off did not make them right (or the
/// switch could not be reached), or the check's environment variable has an invalid value. The message says what was
/// wrong and what the user can do.
/// </summary>
public sealed class NativeNumericsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NativeNumericsException(string message, IReadOnlyList<ProbeResult> failures)
        : base(message)
    {
        Failures = failures;
    }

    /// <summary>The operations that were still wrong at the end of the check (empty for an invalid setting).</summary>
    public IReadOnlyList<ProbeResult> Failures { get; }
}
