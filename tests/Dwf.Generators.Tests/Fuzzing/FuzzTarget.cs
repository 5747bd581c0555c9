using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Runs the generator, every Dwf analyzer and the code fixes over one input, the way a build and an editor
/// do, and lists every broken guarantee: an exception, a generator failure (CS8785) or analyzer failure
/// (AD0001), a diagnostic from the generator (it must never report), generated code that does not parse,
/// and, when the input compiles on its own, generated code that does not compile.
/// </summary>
internal sealed class FuzzTarget
{
    /// <summary>Compiler errors that say a generator or an analyzer threw.</summary>
    private const string GeneratorFailed = "CS8785";
    private const string AnalyzerFailed = "AD0001";

    /// <summary>
    /// One compilation with the references and no source: every input is added to it, which reuses its bound
    /// reference assemblies (creating a compilation from scratch would re-read ~170 of them every time).
    /// </summary>
    private static readonly CSharpCompilation Empty = TestCompilation.Create(Array.Empty<(string, string)>());

    private readonly ImmutableArray<ISourceGenerator> _generators;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly CodeFixProbe? _codeFixes;

    /// <summary>
    /// Per corpus input, its syntax trees and the driver that has run on them. A driver is immutable, so every
    /// mutant of that input continues from the same state; computing it once saves a parse and a run per mutant.
    /// </summary>
    private readonly ConcurrentDictionary<FuzzInput, (List<SyntaxTree> Trees, GeneratorDriver Driver)> _originRuns = new(ReferenceEqualityComparer.Instance);

    /// <param name="generators">The generators to run (the Dwf generator; tests of the harness pass a faulty one).</param>
    /// <param name="analyzers">The analyzers to run (all Dwf analyzers by default).</param>
    /// <param name="codeFixes">Code fixes to apply to the analyzers' diagnostics, or <c>null</c> for none.</param>
    public FuzzTarget(IEnumerable<ISourceGenerator>? generators = null, IEnumerable<DiagnosticAnalyzer>? analyzers = null, CodeFixProbe? codeFixes = null)
    {
        _generators = (generators ?? new[] { new FactorizeGenerator().AsSourceGenerator() }).ToImmutableArray();
        _analyzers = (analyzers ?? AllAnalyzers()).ToImmutableArray();
        _codeFixes = codeFixes;
    }

    public static IEnumerable<DiagnosticAnalyzer> AllAnalyzers() => new DiagnosticAnalyzer[]
    {
        new FactorizedClassAnalyzer(),
        new FactorizationOptionsAnalyzer(),
        new FieldAttributeAnalyzer(),
        new ReservedMemberAnalyzer(),
        new OptimizerAnalyzer(),
    };

    public FuzzOutcome Check(FuzzInput input)
    {
        var problems = new List<string>();
        try
        {
            return CheckOrThrow(input, problems);
        }
        catch (Exception error)
        {
            problems.Add($"exception: the harness caught {error.GetType().Name} from a Dwf component: {error}");
            return new FuzzOutcome(problems, false, 0, 0, 0);
        }
    }

    private FuzzOutcome CheckOrThrow(FuzzInput input, List<string> problems)
    {
        var trees = input.Files.Select(f => TestCompilation.Parse(f.Path, f.Text)).ToList();
        var compilation = Empty.AddSyntaxTrees(trees);

        // Syntax errors settle "does the input compile" without binding it.
        bool inputCompiles = !trees.Any(t => t.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            && !compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);

        GeneratorDriver driver = CSharpGeneratorDriver.Create(_generators, parseOptions: TestCompilation.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var run = driver.GetRunResult();
        foreach (var result in run.Results)
        {
            if (result.Exception is { } exception)
            {
                problems.Add($"{GeneratorFailed}: {result.Generator.GetGeneratorType().Name} threw {exception}");
            }

            foreach (var diagnostic in result.Diagnostics.Where(d => d.Id != GeneratorFailed))
            {
                problems.Add($"generator diagnostic: the generator must never report, but reported {diagnostic}");
            }
        }

        foreach (var diagnostic in driverDiagnostics.Where(d => d.Id == GeneratorFailed && !problems.Any(p => p.StartsWith(GeneratorFailed, StringComparison.Ordinal))))
        {
            problems.Add($"{GeneratorFailed}: {diagnostic}");
        }

        if (input.Origin is { } origin)
        {
            CheckIncrementalRun(origin, input, trees, run, problems);
        }

        var generatedTrees = run.GeneratedTrees;
        foreach (var tree in generatedTrees)
        {
            foreach (var diagnostic in tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                problems.Add($"generated syntax: {tree.FilePath} does not parse: {diagnostic}\n{tree}");
            }
        }

        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add($"{AnalyzerFailed}: {analyzer.GetType().Name} threw {exception}");
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var all = output.WithAnalyzers(_analyzers, options).GetAllDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        problems.AddRange(exceptions);
        problems.AddRange(all.Where(d => d.Id == AnalyzerFailed).Select(d => $"{AnalyzerFailed}: {d}"));

        if (inputCompiles)
        {
            foreach (var error in all.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("DWF", StringComparison.Ordinal)))
            {
                string where = error.Location.SourceTree is { } tree && generatedTrees.Contains(tree) ? "generated code" : "the input, because of the generated code";
                problems.Add($"generated code does not compile: {error} (in {where})");
            }
        }

        var dwfDiagnostics = all.Where(d => d.Id.StartsWith("DWF", StringComparison.Ordinal)).ToList();
        int fixes = _codeFixes is null ? 0 : _codeFixes.Apply(input, run.Results.SelectMany(r => r.GeneratedSources), dwfDiagnostics, problems);
        return new FuzzOutcome(problems, inputCompiles, generatedTrees.Length, dwfDiagnostics.Count, fixes);
    }

    private (List<SyntaxTree> Trees, GeneratorDriver Driver) RunOnOrigin(FuzzInput origin)
    {
        var trees = origin.Files.Select(f => TestCompilation.Parse(f.Path, f.Text)).ToList();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(_generators, parseOptions: TestCompilation.ParseOptions);
        return (trees, driver.RunGenerators(Empty.AddSyntaxTrees(trees)));
    }

    /// <summary>
    /// The editor's view: the generator ran on the unmutated input, then the files were edited into the mutant
    /// (unchanged files keep their syntax trees). The incremental run must give what a fresh run gives.
    /// </summary>
    private void CheckIncrementalRun(FuzzInput origin, FuzzInput input, List<SyntaxTree> trees, GeneratorDriverRunResult fresh, List<string> problems)
    {
        var (originTrees, driver) = _originRuns.GetOrAdd(origin, RunOnOrigin);
        var reused = trees.Select(tree => originTrees.FirstOrDefault(o => o.FilePath == tree.FilePath && o.ToString() == tree.ToString()) ?? tree).ToList();
        var incremental = driver.RunGenerators(Empty.AddSyntaxTrees(reused)).GetRunResult();

        var expected = fresh.Results.SelectMany(r => r.GeneratedSources).Select(s => (s.HintName, Text: s.SourceText.ToString())).ToList();
        var actual = incremental.Results.SelectMany(r => r.GeneratedSources).Select(s => (s.HintName, Text: s.SourceText.ToString())).ToList();
        foreach (var exception in incremental.Results.Select(r => r.Exception).OfType<Exception>())
        {
            problems.Add($"{GeneratorFailed}: after editing '{origin.Name}' into this input, the generator threw {exception}");
            return;
        }

        if (!expected.SequenceEqual(actual))
        {
            problems.Add($"incremental: after editing '{origin.Name}' into this input, the generator gave [{string.Join(", ", actual.Select(a => a.HintName))}] "
                + $"where a fresh run gives [{string.Join(", ", expected.Select(e => e.HintName))}]"
                + (expected.Select(e => e.HintName).SequenceEqual(actual.Select(a => a.HintName)) ? " (same files, other text)" : string.Empty));
        }
    }
}
