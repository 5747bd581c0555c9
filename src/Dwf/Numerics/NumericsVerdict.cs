using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Dwf.Numerics;

/// <summary>The result of the native-numerics self-check (<see cref="NativeNumerics.EnsureChecked"/>).</summary>
/// <param name="Cpu">The processor, as <see cref="CpuDescription.Describe"/> gives it.</param>
/// <param name="Outcome">What was found and done.</param>
/// <param name="FailuresAsShipped">Operations that were wrong with libtorch as shipped (empty unless corrected).</param>
/// <param name="OperationsChecked">How many operations each pass of the check ran.</param>
/// <param name="Milliseconds">Wall time of the check, all passes included.</param>
public sealed record NumericsVerdict(
    string Cpu,
    NumericsOutcome Outcome,
    IReadOnlyList<ProbeResult> FailuresAsShipped,
    int OperationsChecked,
    double Milliseconds)
{
    /// <summary>True when oneDNN was switched off for this process.</summary>
    public bool OneDnnSwitchedOff => Outcome == NumericsOutcome.CorrectedWithOneDnnOff;

    /// <summary>The state of the backend in a few words: <c>oneDNN as shipped</c>, <c>oneDNN switched off</c>, <c>not checked</c>.</summary>
    public string Backend => Outcome switch
    {
        NumericsOutcome.CorrectAsShipped => "oneDNN as shipped",
        NumericsOutcome.CorrectedWithOneDnnOff => "oneDNN switched off",
        _ => $"not checked ({NativeNumerics.CheckVariable}=off)",
    };

    /// <summary>
    /// One line for logs and result files, e.g.
    /// <c>numerics: AMD EPYC (AuthenticAMD family 26 model 2, AVX-512); oneDNN switched off (float32 was wrong as shipped: conv2d 20→50 k5 forward 4.1e-01, 4 more); check 9 ms</c>.
    /// </summary>
    public string Describe()
    {
        string ms = Milliseconds.ToString("0", CultureInfo.InvariantCulture);
        return Outcome switch
        {
            NumericsOutcome.CorrectAsShipped =>
                $"numerics: {Cpu}; {Backend} (float32 matches float64 on {OperationsChecked} operations); check {ms} ms",
            NumericsOutcome.CorrectedWithOneDnnOff =>
                $"numerics: {Cpu}; {Backend} (float32 was wrong as shipped: {Summarize(FailuresAsShipped)}; correct now on {OperationsChecked} operations); check {ms} ms",
            _ => $"numerics: {Cpu}; {Backend}",
        };
    }

    /// <inheritdoc cref="Describe"/>
    public override string ToString() => Describe();

    /// <summary><c>conv2d 20→50 k5 forward 4.1e-01, 4 more</c>: the worst failure and how many others.</summary>
    internal static string Summarize(IReadOnlyList<ProbeResult> failures)
    {
        var worst = failures.OrderByDescending(f => double.IsNaN(f.WorstError) ? double.PositiveInfinity : f.WorstError).First();
        string which = double.IsNaN(worst.ForwardError) || worst.ForwardError >= worst.GradientError
            ? $"forward {ProbeResult.Format(worst.ForwardError)}"
            : $"input gradient {ProbeResult.Format(worst.GradientError)}";
        return failures.Count == 1 ? $"{worst.Operation} {which}" : $"{worst.Operation} {which}, {failures.Count - 1} more";
    }
}
