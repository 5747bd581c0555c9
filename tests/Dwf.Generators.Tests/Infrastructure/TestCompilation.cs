using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dwf.Generators.Tests.Infrastructure;

/// <summary>Compilations of test sources against .NET 10 reference assemblies, TorchSharp and the Dwf runtime (as metadata).</summary>
internal static class TestCompilation
{
    /// <summary>C# 12 (the repository's language version), XML docs diagnosed so missing docs in generated code show up.</summary>
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(FactorizeAttribute).Assembly.Location))
            .ToImmutableArray();

    /// <summary>Sources given as (path, text); the path names the syntax tree (for file-based edits).</summary>
    public static CSharpCompilation Create(params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create(
            "Dwf.Generators.TestInput",
            sources.Select(s => Parse(s.Path, s.Text)),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Default,
                warningLevel: 9999,
                deterministic: true,
                // As the .NET SDK does: unification of System.Runtime 8.0 (TorchSharp, Dwf) with 10.0 is expected.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    /// <summary>One source file named <c>Input.cs</c>.</summary>
    public static CSharpCompilation Create(string source) => Create(("Input.cs", source));

    public static SyntaxTree Parse(string path, string text) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    /// <summary>
    /// Warnings and errors (what TreatWarningsAsErrors would fail on). Missing XML docs (CS1591) count only
    /// in generated files: the test inputs are not documented, the generated members must be.
    /// </summary>
    public static IReadOnlyList<Diagnostic> WarningsAndErrors(Compilation compilation) =>
        compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => d.Id != "CS1591" || IsGenerated(d.Location.SourceTree))
            .ToList();

    private static bool IsGenerated(SyntaxTree? tree) =>
        tree is not null && tree.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal);
}
