using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Dwf.Generators.Benchmarks;

/// <summary>Refuses to benchmark an incremental run that regenerates more than the edited module.</summary>
internal static class IncrementalCheck
{
    public static void EnsureOnlyTheEditedModuleIsRegenerated(Compilation input, Compilation edited, int modules)
    {
        var driver = GeneratorBenchmarks.CreateDriver(trackSteps: true).RunGenerators(input).RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();
        var reasons = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        int regenerated = reasons.Count(r => r is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);
        if (result.GeneratedSources.Length != modules || regenerated != 1)
        {
            throw new InvalidOperationException(
                $"Expected {modules} generated files and 1 regenerated after the edit; got {result.GeneratedSources.Length} and {regenerated}.");
        }

        Console.WriteLine($"// Incremental check: {modules} generated files, {regenerated} regenerated after editing one file.");
    }
}
