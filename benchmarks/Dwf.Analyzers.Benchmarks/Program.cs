using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Analyzers.Benchmarks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Times the Dwf analyzers on a synthetic compilation:
//   dotnet run -c Release --project benchmarks/Dwf.Analyzers.Benchmarks -- [modules=1000] [iterations=7]
// Each iteration clones the compilation (no bound state is reused) and measures, as a build computes them
// (one compilation, binding shared by the compiler and the analyzers):
//   A. the compiler's diagnostics alone;
//   B. compiler + five analyzers with the Dwf analyzers' kinds of actions and empty callbacks (the analyzer
//      driver's own cost: compilation events, semantic models for syntax node actions);
//   C. compiler + the five Dwf analyzers.
// C - A is what the Dwf analyzers cost a build; C - B is what their logic adds to the driver's floor. The per-analyzer figures are the driver's telemetry, time
// inside each analyzer's callbacks, which also includes binding the callbacks trigger first (e.g. of
// attributes), so their sum is an upper bound.
int modules = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
int iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;

ImmutableArray<DiagnosticAnalyzer> dwfAnalyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
    new FactorizedClassAnalyzer(),
    new FactorizationOptionsAnalyzer(),
    new FieldAttributeAnalyzer(),
    new ReservedMemberAnalyzer(),
    new OptimizerAnalyzer());
// As many empty analyzers as Dwf ones: the driver dispatches every action to every analyzer.
ImmutableArray<DiagnosticAnalyzer> emptyAnalyzers = dwfAnalyzers.Select(_ => (DiagnosticAnalyzer)new EmptyActionsAnalyzer()).ToImmutableArray();

var references = Basic.Reference.Assemblies.Net100.References.All
    .Cast<MetadataReference>()
    .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
    .Append(MetadataReference.CreateFromFile(typeof(Dwf.FactorizeAttribute).Assembly.Location))
    .ToImmutableArray();
string source = SyntheticModels.Generate(modules);
var baseline = CSharpCompilation.Create(
    "Synthetic",
    new[] { CSharpSyntaxTree.ParseText(source, path: "Models.cs") },
    references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, concurrentBuild: true));

var compileErrors = baseline.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
if (compileErrors.Count > 0)
{
    Console.Error.WriteLine($"The synthetic source does not compile: {compileErrors[0]}");
    return 1;
}

Console.WriteLine($"{modules} modules, {source.Split('\n').Length} lines, {Environment.ProcessorCount} cores, Roslyn {typeof(Compilation).Assembly.GetName().Version}");

var compileTimes = new List<double>();
var dwfTimes = new List<double>();
var emptyTimes = new List<double>();
var callbackTimes = dwfAnalyzers.ToDictionary(a => a.GetType().Name, _ => new List<double>());
int reported = 0;
for (int i = 0; i <= iterations; i++)
{
    bool warmup = i == 0;
    var stopwatch = Stopwatch.StartNew();
    baseline.Clone().GetDiagnostics();
    double compileMs = stopwatch.Elapsed.TotalMilliseconds;
    var (emptyMs, _) = await TimeWithAnalyzersAsync(baseline, emptyAnalyzers);

    var (dwfMs, result) = await TimeWithAnalyzersAsync(baseline, dwfAnalyzers);
    if (warmup)
    {
        continue;
    }

    compileTimes.Add(compileMs);
    dwfTimes.Add(dwfMs);
    emptyTimes.Add(emptyMs);

    reported = result.GetAllDiagnostics().Count(d => d.Id.StartsWith("DWF", StringComparison.Ordinal));
    foreach (var analyzer in dwfAnalyzers)
    {
        callbackTimes[analyzer.GetType().Name].Add(result.AnalyzerTelemetryInfo[analyzer].ExecutionTime.TotalMilliseconds);
    }
}

Console.WriteLine($"iterations: {iterations} (after 1 warm-up), medians; DWF diagnostics reported: {reported} (a mistake in 1 of {SyntheticModels.MistakeEvery} models)");
Console.WriteLine($"A. compiler diagnostics                      {Median(compileTimes),8:F1} ms");
Console.WriteLine($"B. A + 5 analyzers with empty callbacks     {Median(emptyTimes),8:F1} ms");
Console.WriteLine($"C. A + the 5 Dwf analyzers                  {Median(dwfTimes),8:F1} ms");
Console.WriteLine($"   C - A (cost of the Dwf analyzers)        {Median(dwfTimes) - Median(compileTimes),8:F1} ms");
Console.WriteLine($"   C - B (Dwf analyzers' logic)             {Median(dwfTimes) - Median(emptyTimes),8:F1} ms");
double callbacks = 0;
foreach (var (name, times) in callbackTimes)
{
    callbacks += Median(times);
    Console.WriteLine($"   in {name,-30}          {Median(times),8:F1} ms");
}

Console.WriteLine($"   in all Dwf callbacks (upper bound)       {callbacks,8:F1} ms   ({callbacks / modules * 1000:F1} µs per module)");
return 0;

static async Task<(double Milliseconds, AnalysisResult Result)> TimeWithAnalyzersAsync(Compilation baseline, ImmutableArray<DiagnosticAnalyzer> analyzers)
{
    var options = new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
        onAnalyzerException: null,
        concurrentAnalysis: true,
        logAnalyzerExecutionTime: true);
    var withAnalyzers = baseline.Clone().WithAnalyzers(analyzers, options);
    var stopwatch = Stopwatch.StartNew();
    await withAnalyzers.GetAllDiagnosticsAsync();
    double milliseconds = stopwatch.Elapsed.TotalMilliseconds;
    return (milliseconds, await withAnalyzers.GetAnalysisResultAsync(default));
}

static double Median(List<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    int middle = sorted.Count / 2;
    return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
