using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Dwf.Generators.Tests.Documentation;
using Dwf.Generators.Tests.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Packaging;

/// <summary>
/// The README's "Use it in your project", taken literally: its shell steps run in bash against the packed package,
/// creating a fresh console project in a temporary folder; its C# example becomes that project's Program.cs; <c>dotnet
/// run</c> must build it without a warning and print what the README shows. Fails when the README and the package (or
/// NuGet, or TorchSharp) disagree.
/// </summary>
/// <remarks>
/// What is not literal, and why:
/// <list type="bullet">
/// <item>The README's <c>dotnet pack</c> step is the fixture's pack of the same project (<see cref="PackedDwfPackage"/>:
/// a unique prerelease version and build outputs outside the repository, so no stale package is picked up and the
/// repository's own outputs are not touched); the package is copied to the folder the step names, and the Dwf version
/// the README asks for (checked against the repository's by <see cref="ReadmeTests"/>) becomes the unique one.</item>
/// <item><c>~/</c> is a folder in the fixture's temporary folder, not the user's home.</item>
/// <item>Restores extract into a private packages folder of the steps' own. The backend packages the README adds besides Dwf
/// (libtorch is 600 MB) are lent read-only from the user's packages folder through a fallback folder that holds only
/// them; TorchSharp, Dwf's own dependency, must come through the sources the steps configure, as for a new user.</item>
/// </list>
/// </remarks>
[Collection(MachineHeavyCollection.Name)]
public sealed class ReadmeExampleTests : IClassFixture<PackedDwfPackage>
{
    /// <summary>The steps run several restores; on a busy 2-core machine they take longer than one build step.</summary>
    private static readonly TimeSpan StepsTimeout = TimeSpan.FromMinutes(10);

    private static readonly Regex Number = new(@"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant);

    private readonly PackedDwfPackage _packed;

    public ReadmeExampleTests(PackedDwfPackage packed) => _packed = packed;

    [Fact]
    [Trait("Category", "Package")]
    public void The_READMEs_steps_and_example_run_as_written_against_the_packed_package()
    {
        string repository = _packed.Repository;
        var use = ReadmeUse.Load(repository);
        string home = Path.Combine(_packed.Root, "readme-home");
        Directory.CreateDirectory(home);
        string Expand(string command) => command.Replace("~/", home + "/", StringComparison.Ordinal);

        // The pack step: the fixture's package, in the folder the README packs into.
        var pack = use.Command("dotnet pack ");
        string feed = Expand(ReadmeUse.Option(pack, "-o"));
        Directory.CreateDirectory(feed);
        File.Copy(_packed.PackagePath, Path.Combine(feed, Path.GetFileName(_packed.PackagePath)));

        string userPackages = PackedDwfPackage.UserGlobalPackagesFolder(repository);
        string fallback = Path.Combine(_packed.Root, "readme-fallback");
        string packages = Path.Combine(_packed.Root, "readme-packages");
        var lent = LendBackends(use, userPackages, fallback);
        try
        {
            // A packages folder of the steps' own: the fixture's holds TorchSharp from packing Dwf, which would hide a
            // step that leaves the project unable to restore Dwf's dependencies.
            var environment = new Dictionary<string, string>(_packed.DotnetEnvironment)
            {
                ["NUGET_PACKAGES"] = packages,
                ["RestoreAdditionalProjectFallbackFolders"] = fallback,
            };

            // Every other step, in order, in one shell that stops at the first failure; started in the repository, as
            // the README says ("in your clone of this repository").
            var script = new StringBuilder("set -euo pipefail\n");
            string readmeVersion = ReadmeUse.Option(use.Command("dotnet add package Dwf "), "--version");
            foreach (string command in use.Commands.Where(c => !c.StartsWith("dotnet pack ", StringComparison.Ordinal)))
            {
                string literal = command.StartsWith("dotnet add package Dwf ", StringComparison.Ordinal)
                    ? command.Replace("--version " + readmeVersion, "--version " + _packed.Version, StringComparison.Ordinal)
                    : command;
                script.Append(Expand(literal)).Append('\n');
            }

            script.Append("echo \"readme-test-project=$PWD\"\n");
            var steps = ProcessRunner.Run("bash", new[] { "-c", script.ToString() }, repository, environment, StepsTimeout);
            Assert.True(steps.ExitCode == 0, $"The README's steps failed:\n{script}\n{steps}");
            string project = steps.Output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("readme-test-project=", StringComparison.Ordinal))["readme-test-project=".Length..];
            Assert.StartsWith(home, project, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(project, "Program.cs"), use.Example + "\n");
            var run = ProcessRunner.Run("dotnet", new[] { "run" }, project, environment, PackedDwfPackage.StepTimeout);
            Assert.True(run.ExitCode == 0, run.ToString());
            var warnings = run.Output.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToList();
            Assert.True(warnings.Count == 0, "The README's example builds with warnings:\n" + string.Join("\n", warnings));
            AssertShowsOutput(use.Output, run.Output);
            AssertReachesTarget(use.Example, run.Output);

            Assert.True(Directory.Exists(Path.Combine(packages, "dwf", _packed.Version)), "Dwf was not restored from the README's local folder.");
            Assert.True(Directory.Exists(Path.Combine(packages, "torchsharp")), "TorchSharp did not come through the sources the README's steps configure.");
            Assert.False(Directory.Exists(Path.Combine(userPackages, "dwf", _packed.Version)), "The test left its Dwf package in the user's NuGet packages folder.");
        }
        finally
        {
            // Remove the links before the fixture deletes its folder (Directory.Delete does not follow them, but the
            // user's packages must not depend on that).
            foreach (string link in lent)
            {
                Directory.Delete(link);
            }
        }
    }

    /// <summary>
    /// Every line the README shows appears in the run's output, in order (other lines, e.g. from the build, may come
    /// between): word for word, with any number where the README has a number, since another CPU rounds differently.
    /// </summary>
    internal static void AssertShowsOutput(string shown, string output)
    {
        var actual = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int from = 0;
        foreach (string line in Markdown.Lines(shown).Where(l => l.Trim().Length > 0))
        {
            var pattern = new Regex("^" + Pattern(line) + "$", RegexOptions.CultureInvariant);
            int at = actual.FindIndex(from, l => pattern.IsMatch(l.Trim()));
            Assert.True(at >= 0, $"The run did not print a line like the README's\n  {line}\nafter line {from} of its output:\n{output}");
            from = at + 1;
        }
    }

    private static string Pattern(string line)
    {
        var pattern = new StringBuilder();
        int at = 0;
        string trimmed = line.Trim();
        foreach (Match number in Number.Matches(trimmed))
        {
            pattern.Append(Literal(trimmed[at..number.Index])).Append(Number.ToString());
            at = number.Index + number.Length;
        }

        return pattern.Append(Literal(trimmed[at..])).ToString();

        // Runs of spaces may differ: the report's columns are right-aligned, so another number shifts them.
        static string Literal(string text) => string.Join(@"\s+", Regex.Split(text, " +").Select(Regex.Escape));
    }

    /// <summary>The compression ratio of the collapsed model (the report's total line) is within 30 % of the example's TargetCompression.</summary>
    private static void AssertReachesTarget(string example, string output)
    {
        var target = Regex.Match(example, @"TargetCompression\s*=\s*(?<value>\d+(?:\.\d+)?)", RegexOptions.CultureInvariant);
        Assert.True(target.Success, "The README's example sets no TargetCompression.");
        string total = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("total ", StringComparison.Ordinal));
        double reached = double.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture);
        double wanted = double.Parse(target.Groups["value"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(reached, wanted / 1.3, wanted * 1.3);
    }

    /// <summary>
    /// Links each package the steps add besides Dwf into <paramref name="fallback"/>, where the user's packages folder has
    /// it; returns the links made.
    /// </summary>
    private static IReadOnlyList<string> LendBackends(ReadmeUse use, string userPackages, string fallback)
    {
        Directory.CreateDirectory(fallback);
        var links = new List<string>();
        foreach (string command in use.Commands.Where(c => c.StartsWith("dotnet add package ", StringComparison.Ordinal)))
        {
            string id = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].ToLowerInvariant();
            string source = Path.Combine(userPackages, id);
            if (id != "dwf" && Directory.Exists(source))
            {
                string link = Path.Combine(fallback, id);
                Directory.CreateSymbolicLink(link, source);
                links.Add(link);
            }
        }

        return links;
    }
}
