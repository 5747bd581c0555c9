using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Dwf.Generators.Tests.Analyzers.Infrastructure;

/// <summary>
/// Applies <typeparamref name="TCodeFix"/> to the diagnostics of <typeparamref name="TAnalyzer"/>: one by
/// one, and with Fix All in document, project and solution scope; every way must yield
/// <c>fixedSource</c>, and the fixed code must compile without errors and without any remaining marked
/// diagnostic.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <param name="source">Source with the diagnostics to fix marked; the common usings are prepended.</param>
    /// <param name="fixedSource">The expected result, with any diagnostic that remains marked.</param>
    /// <param name="additionalSources">Further unchanged files as (name, full text), e.g. a stand-in for generated code.</param>
    public static Task VerifyAsync(string source, string fixedSource, params (string Name, string Text)[] additionalSources)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = TestReferences.Usings + source,
            FixedCode = TestReferences.Usings + fixedSource,
            ReferenceAssemblies = TestReferences.None,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        foreach (var (name, text) in additionalSources)
        {
            test.TestState.Sources.Add((name, text));
            test.FixedState.Sources.Add((name, text));
        }

        return test.RunAsync();
    }
}
