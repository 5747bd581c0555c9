using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Generators.Tests.Fuzzing;
using Dwf.Generators.Tests.Generator;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Dwf.Generators.Tests.Determinism;

/// <summary>
/// The same input gives byte-identical generated files: run after run, whatever the order of the files,
/// and whatever the build machine's culture.
/// </summary>
[Collection(CultureCollection.Name)]
public sealed class GeneratorDeterminismTests
{
    /// <summary>Every snapshot input and the valid hostile seeds in one compilation (numbers such as 2.5E-05 and 0.00025 among them).</summary>
    private static readonly (string Path, string Text)[] Sources =
        SnapshotCases.Cases.SelectMany(c => c.Value.Sources.Select(s => ($"{c.Key}/{s.Path}", s.Text)))
            .Concat(HostileSeeds.All
                .Where(s => s.Name is "hostile: type names that differ only in case" or "hostile: deep generic nesting" or "hostile: many attributed fields" or "hostile: no Dwf usings, fully qualified names")
                .SelectMany(s => s.Files))
            .ToArray();

    [Fact]
    public void The_combined_input_is_valid_and_generates_a_file_per_class()
    {
        var (_, result, output) = GeneratorHarness.Run(TestCompilation.Create(Sources));

        Assert.Null(result.Exception);
        // One file per snapshot case, plus Narrow (the base of DerivedFromFactorized's Wide), Net and NET, Core, ManyFields, Qualified.
        Assert.Equal(SnapshotCases.Cases.Count + 6, result.GeneratedSources.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Two_runs_give_byte_identical_files()
    {
        var first = Generate(Sources);
        var second = Generate(Sources);

        AssertIdentical(first, second, "second run");
    }

    [Fact]
    public void The_order_of_the_files_changes_nothing_not_even_the_order_of_the_generated_files()
    {
        var expected = Generate(Sources);
        for (int permutation = 0; permutation < 6; permutation++)
        {
            var random = FuzzRandom.For(seed: 17, permutation);
            var shuffled = Sources.ToArray();
            for (int i = shuffled.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }

            AssertIdentical(expected, Generate(shuffled), $"permutation {permutation}: {string.Join(", ", shuffled.Select(s => s.Path))}");
        }
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Another_culture_changes_nothing(string culture)
    {
        CultureScope.AssertFormatsNumbersDifferently(culture);
        var expected = Generate(Sources);

        IReadOnlyList<(string HintName, string Text)> actual;
        using (new CultureScope(culture))
        {
            actual = Generate(Sources);
        }

        AssertIdentical(expected, actual, culture);
    }

    public static IEnumerable<object[]> Cultures() => CultureScope.Names.Select(n => new object[] { n });

    /// <summary>The generated files in the order the generator added them, from a fresh driver and compilation.</summary>
    private static IReadOnlyList<(string HintName, string Text)> Generate((string Path, string Text)[] sources)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new FactorizeGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions);
        var result = driver.RunGenerators(TestCompilation.Create(sources)).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList();
    }

    private static void AssertIdentical(IReadOnlyList<(string HintName, string Text)> expected, IReadOnlyList<(string HintName, string Text)> actual, string what)
    {
        Assert.True(expected.Select(e => e.HintName).SequenceEqual(actual.Select(a => a.HintName)), $"{what}: other files or another order:\n{string.Join(", ", actual.Select(a => a.HintName))}");
        foreach (var ((hintName, text), (_, actualText)) in expected.Zip(actual))
        {
            if (!string.Equals(text, actualText, StringComparison.Ordinal))
            {
                Assert.Fail($"{what}: {hintName} differs.\n--- expected ---\n{text}\n--- actual ---\n{actualText}");
            }
        }
    }
}
