using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Dwf.Generators.Tests.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Packaging;

/// <summary>
/// Packs the <c>Dwf</c> package once (<see cref="PackedDwfPackage"/>), then builds and runs tests/PackageConsumer
/// against the packed <c>.nupkg</c> (no project references), as a user would: the generator must run from the
/// package and the program must train and collapse a factorized model. And the packed runtime must hold no code
/// that starts processes or reads datasets.
/// </summary>
/// <remarks>
/// Everything happens in the fixture's temporary folder: the build outputs, a copy of the consumer, and a private
/// NuGet packages folder for the consumer's restore; the user's packages folder serves only as a read-only
/// fallback for TorchSharp and its natives.
/// </remarks>
[Collection(MachineHeavyCollection.Name)]
public sealed class PackageConsumerTests : IClassFixture<PackedDwfPackage>
{
    private readonly PackedDwfPackage _packed;

    public PackageConsumerTests(PackedDwfPackage packed) => _packed = packed;

    [Fact]
    [Trait("Category", "Package")]
    public void The_packed_package_builds_and_runs_an_annotated_model_and_its_analyzer_reports()
    {
        string repository = _packed.Repository;
        string version = _packed.Version;
        string consumer = Path.Combine(_packed.Root, "consumer");
        string package = _packed.PackagePath;
        CopyConsumer(Path.Combine(repository, "tests", "PackageConsumer"), consumer);
        AssertPackageLayout(package);

        string userPackages = PackedDwfPackage.UserGlobalPackagesFolder(repository);
        var build = _packed.Dotnet(consumer, "build", "-c", "Release",
            $"-p:DwfPackageVersion={version}",
            $"-p:DwfNativeFixTargets={Path.Combine(repository, "build", "TorchSharpNativeFix.targets")}",
            $"-p:RestoreAdditionalProjectFallbackFolders={userPackages}");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(Directory.Exists(Path.Combine(_packed.Packages, "dwf", version)), "The consumer did not restore Dwf from the packed package.");
        AssertNoWarnings(build);

        var run = ProcessRunner.Run("dotnet", new[] { Path.Combine(consumer, "bin", "Release", "net10.0", "PackageConsumer.dll") }, consumer, null, PackedDwfPackage.StepTimeout);
        Assert.True(run.ExitCode == 0, run.ToString());
        var values = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        Assert.Equal("128", values["factorized-weights"]); // fc1: 16 x 8; the [Dense] head is not factorized
        Assert.Equal("True", values["loss-decreased"]);
        Assert.Equal("True", values["collapsed"]);
        Assert.Equal("fc1.weight,fc1.bias,head.weight,head.bias", values["state-dict"]);

        // The analyzers come with the package too: the same project with a Depth = 9 model gets DWF004 from it.
        var warned = _packed.Dotnet(consumer, "build", "-c", "Release", "--no-restore",
            $"-p:DwfPackageVersion={version}",
            $"-p:DwfNativeFixTargets={Path.Combine(repository, "build", "TorchSharpNativeFix.targets")}",
            "-p:ShowDwfAnalyzerWarning=true");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains("DeepModel.cs(10,12): warning DWF004: Depth = 9 on 'DeepNet' is numerically fragile", warned.Output, StringComparison.Ordinal);

        Assert.False(Directory.Exists(Path.Combine(userPackages, "dwf", version)), "The test left its Dwf package in the user's NuGet packages folder.");
    }

    /// <summary>
    /// A training library that can launch a package manager is a surprise no user wants: the packed runtime
    /// (<c>lib/*/Dwf.dll</c>) must not reference <c>System.Diagnostics.Process</c> nor define the dataset readers and
    /// fetching, which live in samples/Dwf.Datasets.
    /// </summary>
    [Fact]
    [Trait("Category", "Package")]
    public void The_packed_runtime_starts_no_processes_and_holds_no_dataset_code()
    {
        using var archive = ZipFile.OpenRead(_packed.PackagePath);
        var runtimes = archive.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.Name == "Dwf.dll").ToList();
        Assert.NotEmpty(runtimes);
        foreach (var entry in runtimes)
        {
            using var copy = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(copy);
            }

            copy.Position = 0;
            var problems = RuntimeAssemblyContent.Problems(copy);
            Assert.True(problems.Count == 0, $"{entry.FullName} in the packed package:\n" + string.Join("\n", problems));
        }
    }

    /// <summary>The build reported no warning at all (the consumer turns warnings into errors, so a warning here would be a suppressed one).</summary>
    private static void AssertNoWarnings(ProcessRunner.Result build)
    {
        var warnings = build.Output.Split('\n').Where(line => line.Contains(": warning ", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, "The consumer built with warnings:\n" + string.Join("\n", warnings));
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
    }

    private static void AssertPackageLayout(string package)
    {
        Assert.True(File.Exists(package), $"No package at {package}.");
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[]
        {
            "lib/net8.0/Dwf.dll",
            "analyzers/dotnet/cs/Dwf.Generators.dll",
            "analyzers/dotnet/cs/Dwf.Analyzers.dll",
            "analyzers/dotnet/cs/Dwf.Analyzers.CodeFixes.dll",
        })
        {
            Assert.Contains(expected, entries);
        }

        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));
    }

    private static void CopyConsumer(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }
}
