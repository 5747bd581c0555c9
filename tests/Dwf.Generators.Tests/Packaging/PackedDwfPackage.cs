using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Dwf.Generators.Tests.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Packaging;

/// <summary>
/// The <c>Dwf</c> package, packed once for the tests of a class (<see cref="PackageConsumerTests"/>,
/// <see cref="ReadmeExampleTests"/>) into a temporary folder
/// that is deleted afterwards (build outputs under a temporary --artifacts-path, the feed, and a private NuGet
/// packages folder). The package gets a unique prerelease version, so no stale <c>Dwf</c> can be picked up from,
/// or left in, any NuGet cache.
/// </summary>
public sealed class PackedDwfPackage : IDisposable
{
    /// <summary>How long one dotnet pack, build or run may take.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private readonly ProcessRunner.Result _pack;

    public PackedDwfPackage()
    {
        Repository = RepositoryRoot.Path;
        Version = "0.1.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        // tests/PackageConsumer/nuget.config names ./feed as its source: the consumer's copy goes to Root/consumer.
        Feed = Path.Combine(Root, "consumer", "feed");
        _pack = Dotnet(Repository, "pack", Path.Combine(Repository, "src", "Dwf", "Dwf.csproj"), "-c", "Release", "-o", Feed,
            $"-p:Version={Version}", "--artifacts-path", Path.Combine(Root, "artifacts"));
    }

    /// <summary>The temporary folder that holds everything (deleted by <see cref="Dispose"/>).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dwf-package-consumer-" + Guid.NewGuid().ToString("N"));

    /// <summary>The repository (the folder of Dwf.Generators.sln).</summary>
    public string Repository { get; }

    /// <summary>The package's unique prerelease version.</summary>
    public string Version { get; }

    /// <summary>The local feed the package was packed into (the <c>feed</c> folder of the consumer's copy).</summary>
    public string Feed { get; }

    /// <summary>The packed <c>.nupkg</c>; fails the calling test with the pack output if packing failed.</summary>
    public string PackagePath
    {
        get
        {
            Assert.True(_pack.ExitCode == 0, _pack.ToString());
            return Path.Combine(Feed, $"Dwf.{Version}.nupkg");
        }
    }

    /// <summary>The private NuGet packages folder every restore of these tests extracts into (never the user's).</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <summary>
    /// The environment of every dotnet process of these tests: the private packages folder, and no MSBuild or compiler
    /// server that could outlive the step and hold its output pipes open (UseSharedCompilation reaches MSBuild as a
    /// property, for commands that are run as written, without extra arguments).
    /// </summary>
    public IReadOnlyDictionary<string, string> DotnetEnvironment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Packages,
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>Runs dotnet with a private NuGet packages folder and no build servers that could outlive the step.</summary>
    internal ProcessRunner.Result Dotnet(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(
            "dotnet",
            arguments.Append("--disable-build-servers").Append("-nodeReuse:false").Append("-p:UseSharedCompilation=false"),
            workingDirectory,
            DotnetEnvironment,
            StepTimeout);

    /// <summary>The folder `dotnet restore` uses by default, with the caller's environment (not the tests' private one).</summary>
    internal static string UserGlobalPackagesFolder(string workingDirectory)
    {
        var result = ProcessRunner.Run("dotnet", new[] { "nuget", "locals", "global-packages", "--list" }, workingDirectory, null, StepTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        string line = result.Output.Split('\n').Single(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        return line["global-packages:".Length..].Trim();
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
