using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Dwf.Generators.Tests.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Packaging;

/// <summary>
/// Packs the <c>Dwf</c> package, then builds and runs tests/PackageConsumer against the packed <c>.nupkg</c>
/// (no project references), as a user would: the generator must run from the package and the program must
/// train and collapse a factorized model.
/// </summary>
/// <remarks>
/// Everything happens in a temporary folder that is deleted afterwards: the build outputs (--artifacts-path),
/// a copy of the consumer, and a private NuGet packages folder for the consumer's restore. The package gets a
/// unique prerelease version, so no stale <c>Dwf</c> can be picked up from, or left in, any NuGet cache;
/// the user's packages folder serves only as a read-only fallback for TorchSharp and its natives.
/// </remarks>
[Collection(MachineHeavyCollection.Name)]
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dwf-package-consumer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    [Trait("Category", "Package")]
    public void The_packed_package_builds_and_runs_an_annotated_model_and_its_analyzer_reports()
    {
        string repository = RepositoryRoot();
        string version = "0.1.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string consumer = Path.Combine(_root, "consumer");
        string feed = Path.Combine(consumer, "feed");
        CopyConsumer(Path.Combine(repository, "tests", "PackageConsumer"), consumer);

        var pack = Dotnet(repository, "pack", Path.Combine(repository, "src", "Dwf", "Dwf.csproj"), "-c", "Release", "-o", feed,
            $"-p:Version={version}", "--artifacts-path", Path.Combine(_root, "artifacts"));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string package = Path.Combine(feed, $"Dwf.{version}.nupkg");
        AssertPackageLayout(package);

        string userPackages = UserGlobalPackagesFolder(repository);
        var build = Dotnet(consumer, "build", "-c", "Release",
            $"-p:DwfPackageVersion={version}",
            $"-p:DwfNativeFixTargets={Path.Combine(repository, "build", "TorchSharpNativeFix.targets")}",
            $"-p:RestoreAdditionalProjectFallbackFolders={userPackages}");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(Directory.Exists(Path.Combine(_root, "packages", "dwf", version)), "The consumer did not restore Dwf from the packed package.");
        AssertNoWarnings(build);

        var run = ProcessRunner.Run("dotnet", new[] { Path.Combine(consumer, "bin", "Release", "net10.0", "PackageConsumer.dll") }, consumer, null, StepTimeout);
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
        var warned = Dotnet(consumer, "build", "-c", "Release", "--no-restore",
            $"-p:DwfPackageVersion={version}",
            $"-p:DwfNativeFixTargets={Path.Combine(repository, "build", "TorchSharpNativeFix.targets")}",
            "-p:ShowDwfAnalyzerWarning=true");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains("DeepModel.cs(10,12): warning DWF004: Depth = 9 on 'DeepNet' is numerically fragile", warned.Output, StringComparison.Ordinal);

        Assert.False(Directory.Exists(Path.Combine(userPackages, "dwf", version)), "The test left its Dwf package in the user's NuGet packages folder.");
    }

    /// <summary>The build reported no warning at all (the consumer turns warnings into errors, so a warning here would be a suppressed one).</summary>
    private static void AssertNoWarnings(ProcessRunner.Result build)
    {
        var warnings = build.Output.Split('\n').Where(line => line.Contains(": warning ", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, "The consumer built with warnings:\n" + string.Join("\n", warnings));
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private ProcessRunner.Result Dotnet(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(
            "dotnet",
            arguments.Append("--disable-build-servers").Append("-nodeReuse:false").Append("-p:UseSharedCompilation=false"),
            workingDirectory,
            new Dictionary<string, string>
            {
                // The consumer's restore extracts packages here, never into the user's folder.
                ["NUGET_PACKAGES"] = Path.Combine(_root, "packages"),
                // No MSBuild or compiler server may outlive the build and hold the output pipes open.
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            },
            StepTimeout);

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

    // The folder `dotnet restore` uses by default, with the caller's environment (not the test's private one).
    private static string UserGlobalPackagesFolder(string workingDirectory)
    {
        var result = ProcessRunner.Run("dotnet", new[] { "nuget", "locals", "global-packages", "--list" }, workingDirectory, null, StepTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        string line = result.Output.Split('\n').Single(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        return line["global-packages:".Length..].Trim();
    }

    private static void CopyConsumer(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Dwf.Generators.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("Dwf.Generators.sln not found above " + AppContext.BaseDirectory);
    }
}
