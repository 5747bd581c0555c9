using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Dwf.Generators.Tests.Analyzers.Infrastructure;

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> on sources written with diagnostic markup (<c>{|DWF001:Net|}</c>):
/// the test fails unless exactly the marked diagnostics are reported, at exactly the marked spans, and the
/// source compiles (compiler errors would have to be marked too).
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <param name="source">The test source, without the common usings (they are prepended).</param>
    /// <param name="additionalSources">Further files as (name, full text), e.g. a stand-in for generated code.</param>
    public static Task VerifyAsync(string source, params (string Name, string Text)[] additionalSources) =>
        VerifyAsync(source, additionalSources, expected: System.Array.Empty<DiagnosticResult>());

    public static Task VerifyAsync(string source, (string Name, string Text)[] additionalSources, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = TestReferences.Usings + source,
            ReferenceAssemblies = TestReferences.None,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        foreach (var (name, text) in additionalSources)
        {
            test.TestState.Sources.Add((name, text));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);
}
