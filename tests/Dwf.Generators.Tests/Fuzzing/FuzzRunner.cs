using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>A failing input: where it came from, what broke, and the input itself (full and minimized).</summary>
/// <param name="Index">The mutation index; negative for an unmutated corpus entry (-1 is the first).</param>
/// <param name="Input">The failing input.</param>
/// <param name="Minimized">The smallest input found that fails the same way.</param>
/// <param name="Outcome">What broke.</param>
internal sealed record FuzzFailure(int Index, FuzzInput Input, FuzzInput Minimized, FuzzOutcome Outcome);

/// <summary>The figures of one fuzz run.</summary>
internal sealed record FuzzReport(
    FuzzSettings Settings,
    int CorpusEntries,
    int Tried,
    int Compiled,
    int GeneratedFiles,
    int DwfDiagnostics,
    int CodeFixes,
    TimeSpan Elapsed,
    bool StoppedByBudget,
    IReadOnlyList<FuzzFailure> Failures)
{
    public string Summary() =>
        Invariant($"seed {Settings.Seed}: {CorpusEntries} corpus entries and {Tried:N0} of {Settings.Mutations:N0} mutations checked in {Elapsed.TotalSeconds:F1} s")
        + (StoppedByBudget ? Invariant($" (stopped by the {Settings.Budget?.TotalSeconds:F0} s budget)") : string.Empty)
        + Invariant($"; {Compiled:N0} mutants compiled (their generated code had to compile too), {GeneratedFiles:N0} files generated, ")
        + Invariant($"{DwfDiagnostics:N0} Dwf diagnostics, {CodeFixes:N0} code actions computed; failures: {Failures.Count}");

    /// <summary>Everything needed to reproduce each failure: seed, index, replay command, problems, minimized and full input.</summary>
    public string Describe()
    {
        var text = new StringBuilder(Summary()).Append('\n');
        foreach (var failure in Failures)
        {
            string where = failure.Index >= 0 ? $"mutation #{failure.Index}" : $"unmutated corpus entry #{-failure.Index - 1}";
            text.Append(Invariant($"\n=== {where} (seed {Settings.Seed}): {failure.Input.Name}\n"))
                .Append("Replay: ").Append(Settings.ReplayCommand(failure.Index)).Append('\n')
                .Append("Problems:\n");
            foreach (var problem in failure.Outcome.Problems.Take(5))
            {
                text.Append("  - ").Append(problem).Append('\n');
            }

            text.Append("--- minimized input ---\n").Append(failure.Minimized.Render())
                .Append("--- full input ---\n").Append(failure.Input.Render());
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Checks the unmutated corpus, then <see cref="FuzzSettings.Mutations"/> mutants, each a function of
/// (seed, index) only, until done, out of time, or <see cref="MaxFailures"/> failures were found.
/// </summary>
internal static class FuzzRunner
{
    private const int MaxFailures = 5;

    public static FuzzReport Run(FuzzSettings settings, FuzzTarget target, IReadOnlyList<FuzzInput> corpus)
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<FuzzFailure>();
        int tried = 0, compiled = 0, generated = 0, diagnostics = 0, fixes = 0;
        bool stoppedByBudget = false;

        var indices = settings.Replay is { } only
            ? new[] { only }
            : Enumerable.Range(-corpus.Count, corpus.Count).Reverse().Concat(Enumerable.Range(0, settings.Mutations));
        foreach (int index in indices)
        {
            if (settings.Budget is { } budget && clock.Elapsed > budget)
            {
                stoppedByBudget = true;
                break;
            }

            var input = InputFor(index, settings.Seed, corpus);
            var outcome = target.Check(input);
            if (index >= 0)
            {
                tried++;
                compiled += outcome.InputCompiled ? 1 : 0;
            }

            generated += outcome.GeneratedFiles;
            diagnostics += outcome.DwfDiagnostics;
            fixes += outcome.CodeFixesApplied;
            if (outcome.Failed)
            {
                var minimized = InputMinimizer.Minimize(input, candidate => target.Check(candidate).FirstKind == outcome.FirstKind);
                failures.Add(new FuzzFailure(index, input, minimized, outcome));
                if (failures.Count >= MaxFailures)
                {
                    break;
                }
            }
        }

        return new FuzzReport(settings, settings.Replay is null ? corpus.Count : 0, tried, compiled, generated, diagnostics, fixes, clock.Elapsed, stoppedByBudget, failures);
    }

    /// <summary>The input of <paramref name="index"/>: a corpus entry (negative index) or a mutant.</summary>
    public static FuzzInput InputFor(int index, long seed, IReadOnlyList<FuzzInput> corpus) =>
        index < 0 ? corpus[-index - 1] : SourceMutator.Mutate(corpus, FuzzRandom.For(seed, index));
}
