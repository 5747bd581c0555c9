using System;
using System.Linq;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Dwf.Generators.Tests.Generator;

/// <summary>The generated code for each case matches its checked-in snapshot and compiles without warnings.</summary>
public sealed class SnapshotTests
{
    [Theory]
    [MemberData(nameof(SnapshotCases.All), MemberType = typeof(SnapshotCases))]
    public void Generated_code_matches_the_snapshot(string name)
    {
        var (hintName, sources) = SnapshotCases.Cases[name];
        var (_, result, _) = GeneratorHarness.Run(TestCompilation.Create(sources));

        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Snapshot.Match(name, GeneratorHarness.Source(result, hintName));
    }

    [Theory]
    [MemberData(nameof(SnapshotCases.All), MemberType = typeof(SnapshotCases))]
    public void Generated_code_parses_at_the_oldest_language_version_it_needs(string name)
    {
        var (hintName, sources) = SnapshotCases.Cases[name];
        var (_, result, _) = GeneratorHarness.Run(TestCompilation.Create(sources));

        // C# 8 is the oldest version with nullable annotations, which the generated file enables; an enclosing
        // record struct (C# 10) is re-declared as such, which the user's own code already needs.
        var version = sources.Any(s => s.Text.Contains("record struct", StringComparison.Ordinal)) ? LanguageVersion.CSharp10 : LanguageVersion.CSharp8;
        var tree = CSharpSyntaxTree.ParseText(GeneratorHarness.Source(result, hintName), new CSharpParseOptions(version));
        Assert.Empty(tree.GetDiagnostics());
    }

    [Theory]
    [MemberData(nameof(SnapshotCases.All), MemberType = typeof(SnapshotCases))]
    public void Generated_code_compiles_without_warnings_with_nullable_enabled(string name)
    {
        var (_, sources) = SnapshotCases.Cases[name];
        var input = TestCompilation.Create(sources);
        // The inputs use no generated member, so they compile cleanly on their own too.
        var inputProblems = TestCompilation.WarningsAndErrors(input);
        Assert.True(inputProblems.Count == 0, string.Join("\n", inputProblems));

        var (_, result, output) = GeneratorHarness.Run(input);

        Assert.NotEmpty(result.GeneratedSources);
        var problems = TestCompilation.WarningsAndErrors(output);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
