using System;
using System.IO;
using System.Linq;
using Basic.Reference.Assemblies;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Dwf.Generators.Tests.Runtime;

/// <summary>
/// The runtime, the samples and the benchmarks never hand TorchSharp a temporary Scalar: one can be finalized while
/// libtorch reads it ("Unknown scalar type", seen in CI; Dwf.Numerics.Scalars says why).
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Fact]
    public void The_finder_names_each_kind_of_temporary_and_passes_kept_scalars()
    {
        const string source = """
            using Dwf.Numerics;
            using TorchSharp;
            using static TorchSharp.torch;

            static class Input
            {
                static void Run(Tensor t, Tensor u)
                {
                    t.mul_(0.5);
                    t.add_(u);
                    var sum = t + u;
                    var scaled = t * 2.0;
                    var difference = t - u;
                    var product = t * u;
                    using var half = 0.5.ToScalar();
                    t.mul_(half).add_(u, Scalars.One);
                }
            }
            """;
        var compilation = Compile(new[] { CSharpSyntaxTree.ParseText(source, Parse, "Input.cs") });
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var found = ScalarTemporaries.Find(compilation, path => path);

        Assert.Equal(
            new[]
            {
                "Input.cs:9: implicit Scalar from '0.5'",
                "Input.cs:10: add_ without alpha in 't.add_(u)'",
                "Input.cs:11: operator in 't + u'",
                "Input.cs:12: operator in 't * 2.0'",
            },
            found);
    }

    [Fact]
    public void The_runtime_makes_no_temporary_Scalar()
    {
        var compilation = Compile(Sources("src/Dwf"));
        // The runtime references TorchSharp only: it must compile here, or the scan could miss what did not bind.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The runtime did not compile for the scan:\n" + string.Join("\n", errors.Take(10)));

        var found = ScalarTemporaries.Find(compilation, Relative);

        Assert.True(found.Count == 0, $"{found.Count} temporary Scalars (make them with ToScalar() in a using declaration; pass Scalars.One as alpha):\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("samples")]
    [InlineData("benchmarks/Dwf.Benchmarks")]
    public void The_samples_and_benchmarks_make_no_temporary_Scalar(string folder)
    {
        // Compiled against TorchSharp and the runtime only: their other packages and generated partials do not bind,
        // but every expression that involves TorchSharp does, and that is all the scan reads.
        var compilation = Compile(Sources(folder));

        var found = ScalarTemporaries.Find(compilation, Relative);

        Assert.True(found.Count == 0, $"{found.Count} temporary Scalars (make them with ToScalar() in a using declaration; pass Scalars.One as alpha):\n" + string.Join("\n", found));
    }

    // The runtime targets net8.0 and is compiled here against .NET 10's reference assemblies, whose span enumerators
    // are ref structs with interfaces: binding them needs the preview language version (only the scan sees this).
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    private static readonly string Repository = RepositoryRoot.Path;

    private static CSharpCompilation Compile(System.Collections.Generic.IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create(
            "ScalarScan",
            trees,
            Net100.References.All.Cast<MetadataReference>()
                .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
                .Append(MetadataReference.CreateFromFile(typeof(Dwf.Numerics.Scalars).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    private static System.Collections.Generic.IEnumerable<SyntaxTree> Sources(string folder)
    {
        var root = Path.Combine(Repository, folder);
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(Repository, path)))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), Parse, path))
            .ToList();
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin");

    private static string Relative(string path) => Path.GetRelativePath(Repository, path).Replace('\\', '/');
}
