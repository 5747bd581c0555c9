using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Runtime.InteropServices;
using System.Threading;
using Dwf.Benchmarks.Shared;
using Dwf.Numerics;
using Dwf.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>scalar-race</c>: shows the TorchSharp Scalar lifetime race that Dwf.Numerics.Scalars avoids. Small in-place
/// operations run in a loop while other threads allocate (so garbage collections, and the Scalar finalizers after
/// them, happen at any moment); once with TorchSharp's temporary Scalars (<c>t.add_(u); t.mul_(0.5)</c>), once with
/// kept ones (<c>t.add_(u, Scalars.One); t.mul_(half)</c>). Every failed call is a Scalar freed while libtorch read it; a check every 1024 calls counts wrong values that raised nothing.
/// </summary>
internal static class ScalarRaceVerb
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Seconds per pattern.", DefaultValueFactory = _ => 15 };
        var allocators = new Option<int>("--allocators") { Description = "Threads that allocate garbage meanwhile (more threads than cores preempt the loop more often).", DefaultValueFactory = _ => 3 };
        var outDirectory = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => Path.Combine("docs", "results", "numerics") };
        var command = new Command("scalar-race", "TorchSharp's temporary Scalars freed during native calls, against the runtime's kept Scalars.") { seconds, allocators, outDirectory };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            double duration = result.GetValue(seconds);
            int threads = result.GetValue(allocators);
            if (!(duration > 0) || threads < 1)
            {
                throw new ArgumentException("--seconds must be > 0 and --allocators at least 1.");
            }

            set_num_threads(1);
            var temporary = Run(kept: false, duration, threads);
            var kept = Run(kept: true, duration, threads);
            string commandLine = CommonOptions.CommandLine("scalar-race", ("--seconds", duration), ("--allocators", threads));
            var md = new StringBuilder()
                .AppendLine("# TorchSharp Scalar lifetime race").AppendLine()
                .AppendLine("```bash").AppendLine(commandLine).AppendLine("```").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe()}").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"A loop of two in-place operations on a 64-element tensor for {duration:G} s per pattern, one intra-op thread, while {threads} threads allocate garbage. A failed call is a Scalar freed by its finalizer while libtorch read it (TorchSharp 0.107 passes raw handles; dotnet/TorchSharp#1434); Dwf.Numerics.Scalars says how the runtime avoids it.").AppendLine()
                .AppendLine("| pattern | calls | failed calls | checks with a wrong value (every 1024 calls) | first error |")
                .AppendLine("| --- | ---: | ---: | ---: | --- |")
                .AppendLine(Row("temporary Scalars: `t.add_(u); t.mul_(0.5)`", temporary))
                .AppendLine(Row("kept Scalars: `t.add_(u, Scalars.One); t.mul_(half)`", kept));
            string output = result.GetValue(outDirectory)!;
            Directory.CreateDirectory(output);
            StateDictFile.AtomicWrite(Path.Combine(output, "scalar-race.md"), w => w.Write(Encoding.UTF8.GetBytes(md.ToString())));
            Console.WriteLine(md.ToString());
        }));
        return command;
    }

    private sealed record Outcome(long Calls, long Failures, long WrongChecks, string FirstError);

    private static string Row(string pattern, Outcome outcome) =>
        string.Create(CultureInfo.InvariantCulture, $"| {pattern} | {outcome.Calls} | {outcome.Failures} | {outcome.WrongChecks} | {(outcome.FirstError.Length == 0 ? "–" : outcome.FirstError.Replace("|", "\\|", StringComparison.Ordinal))} |");

    private static Outcome Run(bool kept, double seconds, int allocators)
    {
        using var t = ones(64);
        using var u = ones(64);
        using var half = 0.5.ToScalar();
        int stop = 0;
        var threads = new Thread[allocators];
        for (int k = 0; k < threads.Length; k++)
        {
            threads[k] = new Thread(() =>
            {
                object? garbage = null;
                while (Volatile.Read(ref stop) == 0)
                {
                    garbage = new byte[256];
                }

                GC.KeepAlive(garbage);
            }) { IsBackground = true };
            threads[k].Start();
        }

        long calls = 0, failures = 0, wrong = 0;
        string first = string.Empty;
        var clock = Stopwatch.StartNew();
        Console.WriteLine(kept ? "kept Scalars…" : "temporary Scalars…");
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            try
            {
                if (kept)
                {
                    t.add_(u, Scalars.One).mul_(half);
                }
                else
                {
                    // What t.add_(u).mul_(0.5) does inside TorchSharp: an alpha of 1 and the 0.5 as temporaries.
                    t.add_(u, ToTemporary(1)).mul_(ToTemporary(0.5));
                }
            }
            catch (ExternalException e)
            {
                failures++;
                first = first.Length > 0 ? first : e.Message.Split('\n')[0];
            }

            calls++;
            // (1 + 1) · 0.5 = 1 exactly: t stays equal to u unless a freed Scalar was read as another value.
            if (calls % 1024 == 0 && !IsEqual(t, u))
            {
                wrong++;
                t.copy_(u);
            }
        }

        Volatile.Write(ref stop, 1);
        foreach (var thread in threads)
        {
            thread.Join();
        }

        return new Outcome(calls, failures, wrong, first);
    }

    private static bool IsEqual(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }

    // Spelled out so the repository's scan for temporary Scalars (ScalarLifetimeTests) sees that this one is meant.
    private static Scalar ToTemporary(double value) => value.ToScalar();

    private static Scalar ToTemporary(int value) => value.ToScalar();
}
