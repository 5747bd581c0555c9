using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using static TorchSharp.torch;

namespace Dwf.Numerics;

/// <summary>
/// A self-check of TorchSharp's native backend on the CPU this process runs on: small float32 convolutions and a
/// linear layer against float64, forward and input gradient. libtorch's oneDNN float32 convolutions were seen to
/// return wrong values (or NaN) on an AMD EPYC (Zen 5, AVX-512) CPU whenever a channel count is not a multiple of
/// 16, while the same build is correct on Intel Xeon CPUs; which CPU a program lands on is not its choice.
/// </summary>
/// <remarks>
/// <para>
/// Runs once per process, before the first factorized model (<see cref="Factorization.Attach"/>), trainer,
/// sparse-model reference check or experiment touches a convolution; call <see cref="EnsureChecked"/> yourself at
/// the start of a program that computes with plain TorchSharp modules before it touches Dwf. It takes about 0.1 s
/// (measured 80–140 ms on the affected machine, most of it libtorch's own lazy initialization that the first
/// convolution would pay anyway; a warm pass about 10 ms: docs/reliability.md) and does not draw from TorchSharp's
/// process-wide random generator.
/// </para>
/// <para>
/// When an operation is wrong, oneDNN is switched off for the process (as PyTorch's
/// <c>torch.backends.mkldnn.enabled = False</c>), the check runs again, and one notice on stderr names the CPU,
/// the operation, its error and what was done. If the results are still wrong, <see cref="NativeNumericsException"/>
/// says what the user can do. Set the environment variable <see cref="CheckVariable"/> to <c>off</c> to skip it.
/// </para>
/// </remarks>
public static class NativeNumerics
{
    /// <summary>Environment variable: <c>off</c> skips the check (for users who know their backend is right).</summary>
    public const string CheckVariable = "DWF_NUMERICS_CHECK";

    private static readonly Lazy<NumericsVerdict> Check = new(RunCheck, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Runs the check the first time it is called in a process (later calls return the same verdict, or throw the
    /// same exception) and leaves the backend computing correctly.
    /// </summary>
    /// <exception cref="NativeNumericsException">float32 results are wrong and switching oneDNN off did not fix them,
    /// or <see cref="CheckVariable"/> has a value other than <c>off</c>/<c>on</c>.</exception>
    public static NumericsVerdict EnsureChecked() => Check.Value;

    /// <summary>The verdict if the check has run successfully in this process, else <c>null</c>.</summary>
    public static NumericsVerdict? Verdict => Check.IsValueCreated ? Check.Value : null;

    /// <summary>Whether libtorch may use oneDNN right now (<c>null</c> when its switch cannot be reached).</summary>
    public static bool? IsOneDnnEnabled => NativeOneDnnSwitch.Instance.IsEnabled;

    /// <summary>
    /// Runs every probe once on the backend as it is now, without deciding anything (for diagnostics and tests).
    /// </summary>
    public static IReadOnlyList<ProbeResult> Measure()
    {
        // A fixed private generator: the same data every time, and the user's seeded random stream stays untouched.
        using var generator = new Generator(20250209);
        return StandardProbes.All.Select(probe => probe.Measure(generator)).ToList();
    }

    private static NumericsVerdict RunCheck() =>
        NumericsSelfCheck.Run(Measure, NativeOneDnnSwitch.Instance, CpuDescription.Describe(), Console.Error, Environment.GetEnvironmentVariable(CheckVariable));
}
