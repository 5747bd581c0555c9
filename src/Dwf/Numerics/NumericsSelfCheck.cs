using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Dwf.Numerics;

/// <summary>
/// The decision logic of the self-check, apart from the real backend so that tests can inject faulty operations:
/// measure; if something is wrong, switch oneDNN off, tell the user once, measure again; if it is still wrong,
/// throw. Never a silent fallback and never silent wrong numbers.
/// </summary>
internal static class NumericsSelfCheck
{
    /// <param name="measure">Runs every probe once and returns its results.</param>
    /// <param name="oneDnn">The backend switch.</param>
    /// <param name="cpu">The CPU, for the notice and the verdict.</param>
    /// <param name="notices">Where the one notice goes when the backend had to be changed (stderr in a process).</param>
    /// <param name="checkSetting">The value of <see cref="NativeNumerics.CheckVariable"/> (null when unset).</param>
    public static NumericsVerdict Run(Func<IReadOnlyList<ProbeResult>> measure, IOneDnnSwitch oneDnn, string cpu, TextWriter notices, string? checkSetting)
    {
        if (!IsCheckWanted(checkSetting))
        {
            return new NumericsVerdict(cpu, NumericsOutcome.NotChecked, Array.Empty<ProbeResult>(), 0, 0);
        }

        var clock = Stopwatch.StartNew();
        var results = measure();
        var failures = results.Where(r => !r.IsCorrect).ToList();
        if (failures.Count == 0)
        {
            return new NumericsVerdict(cpu, NumericsOutcome.CorrectAsShipped, Array.Empty<ProbeResult>(), results.Count, clock.Elapsed.TotalMilliseconds);
        }

        if (!oneDnn.IsAvailable)
        {
            throw new NativeNumericsException(
                $"{WrongResults(cpu, failures)} Dwf would switch oneDNN off, but its switch (at::Context::setUserEnabledMkldnn) was not found in the loaded torch_cpu library. {WhatToDo}",
                failures);
        }

        oneDnn.Disable();
        var retried = measure();
        var remaining = retried.Where(r => !r.IsCorrect).ToList();
        if (remaining.Count > 0)
        {
            throw new NativeNumericsException(
                $"{WrongResults(cpu, failures)} Switching oneDNN off did not fix it: still wrong: {string.Join("; ", remaining)}. {WhatToDo}",
                remaining);
        }

        var verdict = new NumericsVerdict(cpu, NumericsOutcome.CorrectedWithOneDnnOff, failures, retried.Count, clock.Elapsed.TotalMilliseconds);
        notices.WriteLine(
            $"Dwf: {WrongResults(cpu, failures)} oneDNN has been switched off for this process (as torch.backends.mkldnn.enabled = False in PyTorch; NNPACK too) " +
            $"and all {retried.Count} checked operations are correct now; convolutions run slower (1.2x to 2.6x per LeNet-5 training step, measured). " +
            $"Set {NativeNumerics.CheckVariable}=off to skip this check; details in Dwf's docs/reliability.md.");
        notices.Flush();
        return verdict;
    }

    /// <summary>null, empty, <c>on</c> or <c>1</c>: check; <c>off</c> or <c>0</c>: skip; anything else is a mistake worth stopping for.</summary>
    internal static bool IsCheckWanted(string? setting)
    {
        string value = setting?.Trim() ?? string.Empty;
        if (value.Length == 0 || value.Equals("on", StringComparison.OrdinalIgnoreCase) || value == "1")
        {
            return true;
        }

        if (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value == "0")
        {
            return false;
        }

        throw new NativeNumericsException(
            $"{NativeNumerics.CheckVariable}='{setting}' is not a valid setting: use 'off' to skip the native-numerics check, or leave it unset.",
            Array.Empty<ProbeResult>());
    }

    private const string WhatToDo =
        "Start the process with the environment variable ONEDNN_MAX_CPU_ISA=SSE41 (oneDNN reads it once, so it must be set before the process starts), " +
        "or train in float64, or run on another CPU. " +
        $"Setting {NativeNumerics.CheckVariable}=off skips this check, at the price of wrong results.";

    private static string WrongResults(string cpu, IReadOnlyList<ProbeResult> failures) =>
        $"libtorch computes wrong float32 results on this CPU ({cpu}): {string.Join("; ", failures)} " +
        $"(relative error against float64; correct is below {ProbeResult.Format(ProbeResult.Tolerance)}).";
}
