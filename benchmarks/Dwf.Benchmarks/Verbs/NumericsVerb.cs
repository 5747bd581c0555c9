using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dwf.Numerics;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>numerics</c>: runs the native-numerics self-check and prints its verdict, what was wrong as shipped, and every
/// probe's float32-against-float64 error on the backend as it is now. CI runs it first, so that its log says which
/// CPU it ran on and which path the numbers took.
/// </summary>
internal static class NumericsVerb
{
    public static Command Create()
    {
        var command = new Command("numerics", "Check libtorch's float32 results against float64 on this CPU (the check Dwf runs once per process) and print the verdict.");
        command.SetAction(_ => CommonOptions.Guard(() =>
        {
            var verdict = CommonOptions.CheckNumerics();
            foreach (var failure in verdict.FailuresAsShipped)
            {
                Console.WriteLine($"  wrong as shipped: {failure}");
            }

            // A second pass shows what the probes cost once libtorch is warm (the first includes its lazy initialization).
            var clock = Stopwatch.StartNew();
            var results = NativeNumerics.Measure();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  now, measured again in {clock.Elapsed.TotalMilliseconds:F1} ms (tolerance {ProbeResult.Tolerance:0e+00}, relative to the largest float64 value):"));
            foreach (var result in results)
            {
                Console.WriteLine($"    {(result.IsCorrect ? "ok   " : "WRONG")} {result}");
            }
        }));
        return command;
    }
}
