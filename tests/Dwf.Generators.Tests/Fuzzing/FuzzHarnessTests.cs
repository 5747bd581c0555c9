using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Dwf.Generators.Tests.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// The fuzz harness can fail: each kind of broken component is caught, and the report holds what is needed
/// to reproduce it (seed, index, replay command, minimized and full input).
/// </summary>
public sealed class FuzzHarnessTests
{
    private static readonly FuzzSettings TwoMutations = new(Seed: 42, Mutations: 2, Budget: null, Replay: null);

    private static readonly IReadOnlyList<FuzzInput> OneSeed = new[]
    {
        FuzzInput.Of("snapshot Mlp", SnapshotCases.Cases["Mlp"].Sources),
    };

    [Fact]
    public void A_generator_that_throws_is_reported_as_CS8785_with_everything_to_reproduce_it()
    {
        var report = Run(new FuzzTarget(generators: new[] { new FaultyComponents.ThrowingGenerator().AsSourceGenerator() }));

        Assert.NotEmpty(report.Failures);
        var failure = report.Failures[0];
        Assert.StartsWith("CS8785: ", failure.Outcome.Problems[0], StringComparison.Ordinal);
        Assert.Contains("faulty generator", failure.Outcome.Problems[0], StringComparison.Ordinal);
        Assert.True(failure.Minimized.TotalLength < failure.Input.TotalLength, "the minimizer removed nothing");

        string description = report.Describe();
        Assert.Contains("seed 42", description, StringComparison.Ordinal);
        Assert.Contains("Replay: DWF_FUZZ_SEED=42 DWF_FUZZ_REPLAY=" + failure.Index, description, StringComparison.Ordinal);
        Assert.Contains("--- minimized input ---", description, StringComparison.Ordinal);
        Assert.Contains("--- full input ---", description, StringComparison.Ordinal);
        Assert.Contains("[Factorize(Depth = 3, Lambda = 1e-4)]", description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replayed_index_gives_the_same_mutant()
    {
        var first = FuzzRunner.InputFor(7, 42, FuzzCorpus.All);
        var again = FuzzRunner.InputFor(7, 42, FuzzCorpus.All);
        var other = FuzzRunner.InputFor(8, 42, FuzzCorpus.All);

        Assert.Equal(first.Name, again.Name);
        Assert.Equal(first.Render(), again.Render());
        Assert.NotEqual(first.Render(), other.Render());
    }

    [Fact]
    public void A_generator_that_reports_is_caught()
    {
        var report = Run(new FuzzTarget(generators: new[] { new FaultyComponents.ReportingGenerator().AsSourceGenerator() }));

        Assert.Contains(report.Failures, f => f.Outcome.Problems.Any(p => p.StartsWith("generator diagnostic: ", StringComparison.Ordinal) && p.Contains("FAULT001", StringComparison.Ordinal)));
    }

    [Fact]
    public void Generated_code_that_does_not_compile_is_caught_when_the_input_compiles()
    {
        var report = Run(new FuzzTarget(generators: new[] { new FaultyComponents.NonCompilingGenerator().AsSourceGenerator() }));

        var unmutated = Assert.Single(report.Failures, f => f.Index == -1);
        Assert.True(unmutated.Outcome.InputCompiled);
        Assert.Contains(unmutated.Outcome.Problems, p => p.StartsWith("generated code does not compile: ", StringComparison.Ordinal) && p.Contains("CS0103", StringComparison.Ordinal));
    }

    [Fact]
    public void An_incremental_run_that_differs_from_a_fresh_one_is_caught()
    {
        var origin = OneSeed[0];
        var edited = origin with { Name = "Mlp renamed", Files = origin.Files.Select(f => (f.Path, f.Text.Replace("Mlp", "Perceptron", StringComparison.Ordinal))).ToImmutableArray(), Origin = origin };

        var outcome = new FuzzTarget(generators: new[] { new FaultyComponents.StaleGenerator().AsSourceGenerator() }).Check(edited);

        Assert.Contains(outcome.Problems, p => p.StartsWith("incremental: after editing 'snapshot Mlp'", StringComparison.Ordinal) && p.Contains("(same files, other text)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_analyzer_that_throws_is_reported_as_AD0001()
    {
        var report = Run(new FuzzTarget(analyzers: new DiagnosticAnalyzer[] { new FaultyComponents.ThrowingAnalyzer() }));

        Assert.Contains(report.Failures, f => f.Outcome.Problems.Any(p => p.StartsWith("AD0001: ", StringComparison.Ordinal) && p.Contains("faulty analyzer", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_code_fix_that_throws_is_caught()
    {
        var input = FuzzInput.Of("Depth 9", ("Deep.cs", HostileSeeds.Usings + """
            [Factorize(Depth = 9)]
            public partial class Deep : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(2, 2);
                public Deep() : base("deep") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """));

        var outcome = new FuzzTarget(codeFixes: new CodeFixProbe(new[] { new FaultyComponents.ThrowingCodeFix() })).Check(input);

        Assert.Contains(outcome.Problems, p => p.StartsWith("code fix: ThrowingCodeFix threw on", StringComparison.Ordinal) && p.Contains("DWF004", StringComparison.Ordinal));
    }

    [Fact]
    public void The_real_components_pass_on_the_same_inputs()
    {
        var report = Run(new FuzzTarget(codeFixes: new CodeFixProbe()));

        Assert.True(report.Failures.Count == 0, report.Describe());
        Assert.Equal(2, report.Tried);
    }

    private static FuzzReport Run(FuzzTarget target) => FuzzRunner.Run(TwoMutations, target, OneSeed);
}
