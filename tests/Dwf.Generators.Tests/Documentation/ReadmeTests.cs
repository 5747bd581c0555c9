using System;
using System.IO;
using System.Linq;
using Dwf.Generators.Tests.Infrastructure;
using Dwf.Generators.Tests.Packaging;
using Xunit;

namespace Dwf.Generators.Tests.Documentation;

/// <summary>
/// The README as a landing page (issue 26): short, the two commands near the top, "Use it in your project" early, and
/// its steps and example in agreement with the repository and the package's own README. Running the steps and the
/// example is <see cref="Packaging.ReadmeExampleTests"/>'s job; these checks take milliseconds.
/// </summary>
public sealed class ReadmeTests
{
    private static readonly string Repository = RepositoryRoot.Path;
    private static readonly string[] Lines = Markdown.Lines(File.ReadAllText(Path.Combine(Repository, "README.md")).TrimEnd('\n'));

    [Fact]
    public void The_README_is_short_and_says_how_to_use_the_package_early()
    {
        Assert.True(Lines.Length < 150, $"README.md has {Lines.Length} lines; the landing page stays under 150 (details belong in docs/ or the sample's README).");
        int use = Array.FindIndex(Lines, l => l.TrimEnd() == ReadmeUse.Heading) + 1;
        Assert.InRange(use, 1, 60);
    }

    [Fact]
    public void The_first_code_block_is_the_two_commands_and_CI_runs_the_second()
    {
        var block = Markdown.CodeBlocks(string.Join("\n", Lines))[0];
        var commands = Markdown.Lines(block.Text)
            .Select(l => l.IndexOf('#', StringComparison.Ordinal) is int hash and >= 0 ? l[..hash].Trim() : l.Trim())
            .Where(l => l.Length > 0)
            .ToList();

        Assert.Equal(new[] { "dotnet run --project samples/Dwf.Samples.Mnist -c Release", "./test.sh" }, commands);
        Assert.True(File.Exists(Path.Combine(Repository, "samples", "Dwf.Samples.Mnist", "Dwf.Samples.Mnist.csproj")));
        Assert.Contains("./test.sh", File.ReadAllText(Path.Combine(Repository, ".ci", "run")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_steps_ask_for_the_version_the_repository_packs_and_its_backend_version()
    {
        var use = ReadmeUse.Load(Repository);

        Assert.Equal(ReadmeUse.PackageVersion(Repository), ReadmeUse.Option(use.Command("dotnet add package Dwf "), "--version"));
        Assert.Equal(
            ReadmeUse.CentralVersion(Repository, "libtorch-cpu-linux-x64"),
            ReadmeUse.Option(use.Command("dotnet add package libtorch-cpu-linux-x64 "), "--version"));
        var pack = use.Command("dotnet pack ");
        string project = Path.Combine(Repository, pack[2]);
        Assert.True(File.Exists(Path.Combine(project, "Dwf.csproj")) || (File.Exists(project) && project.EndsWith("Dwf.csproj", StringComparison.Ordinal)), $"'{pack[2]}' is not src/Dwf.");
        Assert.Equal("Release", ReadmeUse.Option(pack, "-c"));
    }

    [Fact]
    public void The_package_README_shows_the_READMEs_example()
    {
        // One example for both pages: the package's README (src/Dwf/PACKAGE.md) is what a feed shows.
        string package = File.ReadAllText(Path.Combine(Repository, "src", "Dwf", "PACKAGE.md"));

        Assert.Equal(ReadmeUse.Load(Repository).Example, Markdown.MarkedBlock(package, "example").Text);
    }

    [Fact]
    public void A_marked_block_that_is_missing_or_not_followed_by_code_is_an_error()
    {
        Assert.Throws<FormatException>(() => Markdown.MarkedBlock("# A\n\n```bash\nls\n```\n", "steps"));
        Assert.Throws<FormatException>(() => Markdown.MarkedBlock("<!-- readme-test: steps -->\n\nText.\n\n```bash\nls\n```\n", "steps"));
        Assert.Equal("ls\npwd", Markdown.MarkedBlock("<!-- readme-test: steps -->\n\n```bash\nls\npwd\n```\n", "steps").Text);
    }

    [Fact]
    public void The_check_of_the_READMEs_output_allows_other_numbers_but_not_other_words_or_order()
    {
        const string Shown = "total        61         1408       23.1\nMlp loaded from mlp.dat: test accuracy 99.9 %, same outputs: True";

        ReadmeExampleTests.AssertShowsOutput(Shown, "build line\ntotal       163         1408        8.6\nnoise\nMlp loaded from mlp.dat: test accuracy 97.0 %, same outputs: True\n");
        Assert.ThrowsAny<Exception>(() => ReadmeExampleTests.AssertShowsOutput(Shown, "total 61 1408 23.1\nMlp loaded from mlp.dat: test accuracy 99.9 %, same outputs: False\n"));
        Assert.ThrowsAny<Exception>(() => ReadmeExampleTests.AssertShowsOutput(Shown, "Mlp loaded from mlp.dat: test accuracy 99.9 %, same outputs: True\ntotal 61 1408 23.1\n"));
    }
}
