using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Dwf.Generators.Tests.Generator;

/// <summary>
/// The generator's caching contract: unrelated edits re-run nothing, a change to one class regenerates
/// that class only, and the cached models hold no compiler state.
/// </summary>
public sealed class IncrementalTests
{
    private const string Usings = """
        using Dwf;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    private static readonly string First = Usings + """
        namespace Models;

        [Factorize(Depth = 3)]
        public partial class First : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 4);

            public First() : base(nameof(First)) => RegisterComponents();

            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    private static readonly string Second = Usings + """
        namespace Models;

        [Factorize(Depth = 2)]
        public partial class Second : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 4);

            public Second() : base(nameof(Second)) => RegisterComponents();

            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    private static readonly string SecondLayers = Usings + """
        namespace Models;

        public partial class Second
        {
            private readonly Linear extra = Linear(4, 4);
        }
        """;

    private static readonly string Unrelated = """
        namespace Models;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static (string Path, string Text)[] Sources() =>
        new[] { ("First.cs", First), ("Second.cs", Second), ("Second.Layers.cs", SecondLayers), ("Helpers.cs", Unrelated) };

    public static IEnumerable<object[]> UnrelatedEdits()
    {
        yield return new object[] { "edit another file", "Helpers.cs", Unrelated.Replace("2 * x", "x + x", StringComparison.Ordinal) };
        yield return new object[] { "edit a method body", "First.cs", First.Replace("fc.call(x)", "fc.call(x).relu()", StringComparison.Ordinal) };
        yield return new object[] { "add a comment", "First.cs", First.Replace("namespace Models;", "namespace Models; // models", StringComparison.Ordinal) };
        yield return new object[] { "add an unannotated field in a partial part", "Second.Layers.cs", SecondLayers.Replace("Linear(4, 4);", "Linear(4, 4);\n    private readonly Linear more = Linear(4, 4);", StringComparison.Ordinal) };
    }

    [Theory]
    [MemberData(nameof(UnrelatedEdits))]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged(string description, string path, string newText)
    {
        var compilation = TestCompilation.Create(Sources());
        var (driver, _, _) = GeneratorHarness.Run(compilation);

        var edited = Replace(compilation, path, newText);
        var (_, result, _) = GeneratorHarness.Run(edited, driver);

        Assert.True(result.GeneratedSources.Length == 2, description);
        StepAssert.AllCachedOrUnchanged(result);
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached_or_unchanged()
    {
        var compilation = TestCompilation.Create(Sources());
        var (driver, _, _) = GeneratorHarness.Run(compilation);

        var (_, result, _) = GeneratorHarness.Run(compilation.AddSyntaxTrees(TestCompilation.Parse("New.cs", "namespace Models; public sealed class New { }")), driver);

        StepAssert.AllCachedOrUnchanged(result);
    }

    [Fact]
    public void Changing_Depth_regenerates_that_class_only()
    {
        var compilation = TestCompilation.Create(Sources());
        var (driver, before, _) = GeneratorHarness.Run(compilation);

        var edited = Replace(compilation, "First.cs", First.Replace("Depth = 3", "Depth = 4", StringComparison.Ordinal));
        var (_, after, _) = GeneratorHarness.Run(edited, driver);

        var reasons = StepAssert.SourceOutputReasons(after);
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("Depth = 4", GeneratorHarness.Source(after, "Models.First.g.cs"), StringComparison.Ordinal);
        Assert.Equal(GeneratorHarness.Source(before, "Models.Second.g.cs"), GeneratorHarness.Source(after, "Models.Second.g.cs"));
    }

    [Fact]
    public void A_field_attribute_added_in_another_partial_part_regenerates_the_class()
    {
        var compilation = TestCompilation.Create(Sources());
        var (driver, _, _) = GeneratorHarness.Run(compilation);

        var edited = Replace(compilation, "Second.Layers.cs", SecondLayers.Replace("private readonly Linear extra", "[Dense] private readonly Linear extra", StringComparison.Ordinal));
        var (_, after, _) = GeneratorHarness.Run(edited, driver);

        Assert.Contains(".Dense(\"extra\")", GeneratorHarness.Source(after, "Models.Second.g.cs"), StringComparison.Ordinal);
        Assert.Equal(1, StepAssert.SourceOutputReasons(after).Count(r => r == IncrementalStepRunReason.Modified));
    }

    [Fact]
    public void Cached_models_hold_no_symbols_syntax_locations_or_compilations()
    {
        var compilation = TestCompilation.Create(SnapshotCases.Cases.Values.SelectMany(c => c.Sources).ToArray());
        var (driver, first, _) = GeneratorHarness.Run(compilation);
        var (_, second, _) = GeneratorHarness.Run(Replace(compilation, "Mlp.cs", SnapshotCases.Cases["Mlp"].Sources[0].Text.Replace("Depth = 3", "Depth = 5", StringComparison.Ordinal)), driver);

        Assert.True(first.TrackedSteps[TrackingNames.ByType].SelectMany(s => s.Outputs).Count() >= SnapshotCases.Cases.Count);
        StepAssert.HoldsNoCompilerState(first);
        StepAssert.HoldsNoCompilerState(second);
    }

    [Fact]
    public void The_compiler_state_walk_finds_a_syntax_tree_nested_in_a_record()
    {
        var holder = new List<object> { new Holder("x", new[] { TestCompilation.Parse("A.cs", "class A { }") }) };

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => StepAssert.HoldsNoCompilerState(holder, "holder"));
    }

    [Fact]
    public void The_driver_does_not_keep_an_old_compilation_alive()
    {
        var (driver, oldCompilation) = RunOnceThenOnAnEditedCopy();

        for (int i = 0; i < 3 && oldCompilation.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(oldCompilation.IsAlive, "The generator driver still references the compilation of the previous run.");
        GC.KeepAlive(driver);
    }

    // Kept out of line so no local of the test method roots the first compilation.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GeneratorDriver Driver, WeakReference OldCompilation) RunOnceThenOnAnEditedCopy()
    {
        var compilation = TestCompilation.Create(Sources());
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var edited = TestCompilation.Create(Sources().Select(s => s.Path == "Helpers.cs" ? (s.Path, s.Text + "\n// edited") : s).ToArray());
        (driver, _, _) = GeneratorHarness.Run(edited, driver);
        return (driver, new WeakReference(compilation));
    }

    private sealed record Holder(string Name, object[] Items);

    private static Compilation Replace(Compilation compilation, string path, string? newText)
    {
        var tree = compilation.SyntaxTrees.SingleOrDefault(t => t.FilePath == path);
        if (tree is null)
        {
            return compilation;
        }

        return newText is null
            ? compilation.RemoveSyntaxTrees(tree)
            : compilation.ReplaceSyntaxTree(tree, TestCompilation.Parse(path, newText));
    }
}
