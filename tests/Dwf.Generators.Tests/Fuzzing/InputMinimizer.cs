using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Shrinks a failing input by deleting chunks of lines (halves, quarters, ... single lines) while it still
/// fails the same way, so a report shows the few lines that matter. Bounded: it gives up refining after
/// <see cref="MaxChecks"/> checks and returns the smallest input found so far.
/// </summary>
internal static class InputMinimizer
{
    private const int MaxChecks = 400;

    public static FuzzInput Minimize(FuzzInput input, Func<FuzzInput, bool> stillFails)
    {
        var files = input.Files.Select(f => (f.Path, Lines: f.Text.Split('\n').ToList())).ToList();
        int checks = 0;

        // Whole files first (multi-file inputs), then lines.
        for (int f = files.Count - 1; f >= 0 && files.Count > 1 && checks < MaxChecks; f--)
        {
            var without = files.Where((_, i) => i != f).ToList();
            checks++;
            if (stillFails(Build(input, without)))
            {
                files = without;
            }
        }

        for (int f = 0; f < files.Count; f++)
        {
            for (int chunk = Math.Max(1, files[f].Lines.Count / 2); chunk >= 1 && checks < MaxChecks; chunk /= 2)
            {
                for (int start = 0; start < files[f].Lines.Count && checks < MaxChecks;)
                {
                    var lines = files[f].Lines;
                    var shorter = lines.Take(start).Concat(lines.Skip(start + chunk)).ToList();
                    var candidate = files.Select((file, i) => i == f ? (file.Path, shorter) : file).ToList();
                    checks++;
                    if (stillFails(Build(input, candidate)))
                    {
                        files = candidate;
                    }
                    else
                    {
                        start += chunk;
                    }
                }

                if (chunk == 1)
                {
                    break;
                }
            }
        }

        return Build(input with { Name = $"{input.Name} (minimized in {checks} checks)" }, files);
    }

    private static FuzzInput Build(FuzzInput input, IEnumerable<(string Path, List<string> Lines)> files) =>
        input with { Files = files.Select(f => (f.Path, string.Join("\n", f.Lines))).ToImmutableArray() };
}
