using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dwf.Generators.Benchmarks;

/// <summary>
/// The generator's time and allocations (full run; incremental run after editing one file) against the
/// compilation's own (diagnostics; emit), on 1 and on 1,000 annotated modules. Every run gets a fresh clone of
/// its compilation, so no benchmark profits from binding done by an earlier one: the generator's figures
/// include the symbol binding it triggers, which a real build would share with the compiler (pessimistic).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _input = null!;
    private CSharpCompilation _edited = null!;
    private Compilation _withGeneratedCode = null!;
    private GeneratorDriver _warmDriver = null!;

    [Params(1, 1000)]
    public int Modules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = SyntheticModels.Create(Modules);
        _edited = SyntheticModels.EditFirstModel(_input);
        _warmDriver = CreateDriver(trackSteps: false).RunGeneratorsAndUpdateCompilation(_input, out _withGeneratedCode, out _);
        IncrementalCheck.EnsureOnlyTheEditedModuleIsRegenerated(_input, _edited, Modules);

        var errors = _withGeneratedCode.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The synthetic project does not compile cleanly:\n" + string.Join("\n", errors.Take(10)));
        }
    }

    /// <summary>A cold generator run (no cached state), as on the first build.</summary>
    [Benchmark]
    public GeneratorDriver GeneratorFullRun() => CreateDriver(trackSteps: false).RunGenerators(_input.Clone());

    /// <summary>A warm generator run after one file changed, as in the editor after an edit.</summary>
    [Benchmark]
    public GeneratorDriver GeneratorIncrementalRun() => _warmDriver.RunGenerators(_edited.Clone());

    /// <summary>Reference point: Roslyn's attribute lookup alone (see <see cref="NameOnlyGenerator"/>).</summary>
    [Benchmark]
    public GeneratorDriver AttributeLookupOnly() =>
        CSharpGeneratorDriver.Create(new[] { new NameOnlyGenerator().AsSourceGenerator() }, parseOptions: SyntheticModels.ParseOptions)
            .RunGenerators(_input.Clone());

    /// <summary>The compiler's own work on the same project with the generated code: all diagnostics.</summary>
    [Benchmark]
    public int CompilationGetDiagnostics() => _withGeneratedCode.Clone().GetDiagnostics().Length;

    /// <summary>The compiler's own work on the same project with the generated code: a full emit.</summary>
    [Benchmark(Baseline = true)]
    public bool CompilationEmit() => _withGeneratedCode.Clone().Emit(Stream.Null).Success;

    internal static GeneratorDriver CreateDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            new[] { new FactorizeGenerator().AsSourceGenerator() },
            parseOptions: SyntheticModels.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackSteps));
}
