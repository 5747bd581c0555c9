using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Dwf.Generators.Tests.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Documentation;

/// <summary>
/// Every relative link in the README, docs/ and the samples' pages leads to a file or folder of the repository, and a
/// link with an anchor to a heading of its target. Links with a scheme (https:, mailto:) are not followed: the tests
/// run offline.
/// </summary>
public sealed class DocumentationLinkTests
{
    private static readonly Regex Scheme = new("^[a-zA-Z][a-zA-Z0-9+.-]*:", RegexOptions.CultureInvariant);

    [Fact]
    public void Every_link_in_the_README_docs_and_samples_resolves()
    {
        string root = RepositoryRoot.Path;
        var files = DocumentationFiles(root);
        int links = files.Sum(f => Markdown.Links(File.ReadAllText(f)).Count);

        var problems = Problems(root, files);

        Assert.True(problems.Count == 0, "Links that lead nowhere:\n" + string.Join("\n", problems));
        // Guards against a vacuous pass (the files or the link syntax not found).
        Assert.Contains(Path.Combine(root, "README.md"), files);
        Assert.Contains(Path.Combine(root, "docs", "experiments.md"), files);
        Assert.True(links > 100, $"Only {links} links found in {files.Count} files.");
    }

    [Fact]
    public void The_package_README_has_no_relative_links()
    {
        // PACKAGE.md is the package's README on a feed's page, where a path into this repository leads nowhere.
        string package = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Dwf", "PACKAGE.md"));

        Assert.DoesNotContain(Markdown.Links(package), l => !Scheme.IsMatch(l.Target));
    }

    [Fact]
    public void A_missing_file_and_a_missing_anchor_are_reported()
    {
        string root = Path.Combine(Path.GetTempPath(), "dwf-links-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "b.md"), "# B\n\n## Residual nets with BatchNorm\n\n```text\n## not a heading\n```\n");
            File.WriteAllText(Path.Combine(root, "a.md"), string.Join("\n",
                "# A",
                "[ok](docs/b.md#residual-nets-with-batchnorm) [ok](docs/) [ok](#a) [external](https://example.org/x.md)",
                "[gone](docs/c.md) [no anchor](docs/b.md#not-a-heading) `[in code](docs/d.md)`",
                "![image](docs/e.png)"));

            var problems = Problems(root, new[] { Path.Combine(root, "a.md") });

            Assert.Equal(
                new[]
                {
                    "a.md:3: docs/c.md: no such file or folder",
                    "a.md:3: docs/b.md#not-a-heading: no heading with that anchor in docs/b.md",
                    "a.md:4: docs/e.png: no such file or folder",
                },
                problems);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("Residual nets with BatchNorm", "residual-nets-with-batchnorm")]
    [InlineData("Second round: literature budgets, gradual magnitude pruning, equal compression", "second-round-literature-budgets-gradual-magnitude-pruning-equal-compression")]
    [InlineData("LeNet-300-100 / MNIST ([summary](results/a/summary.md), [plot](results/a/p.png))", "lenet-300-100--mnist-summary-plot")]
    [InlineData("Sparsity on request: a target compression ratio instead of `λ`", "sparsity-on-request-a-target-compression-ratio-instead-of-λ")]
    public void Anchors_are_GitHubs(string heading, string anchor) => Assert.Equal(anchor, Markdown.Slug(heading));

    /// <summary>README.md, and every Markdown file under docs/ and samples/ (build outputs excluded).</summary>
    internal static IReadOnlyList<string> DocumentationFiles(string root) =>
        new[] { Path.Combine(root, "README.md") }
            .Concat(new[] { "docs", "samples" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.md", SearchOption.AllDirectories)))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();

    /// <summary>One line per link that leads nowhere: "file:line: target: why", paths relative to <paramref name="root"/>.</summary>
    internal static IReadOnlyList<string> Problems(string root, IEnumerable<string> files)
    {
        var anchors = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        IReadOnlySet<string> AnchorsOf(string file) =>
            anchors.TryGetValue(file, out var known) ? known : anchors[file] = Markdown.Anchors(File.ReadAllText(file));

        var problems = new List<string>();
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            foreach (var link in Markdown.Links(File.ReadAllText(file)))
            {
                if (Scheme.IsMatch(link.Target))
                {
                    continue;
                }

                int hash = link.Target.IndexOf('#', StringComparison.Ordinal);
                string path = hash < 0 ? link.Target : link.Target[..hash];
                string? anchor = hash < 0 ? null : link.Target[(hash + 1)..];
                string target = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    problems.Add($"{relative}:{link.Line}: {link.Target}: no such file or folder");
                }
                else if (anchor is not null && target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !AnchorsOf(target).Contains(anchor))
                {
                    problems.Add($"{relative}:{link.Line}: {link.Target}: no heading with that anchor in {Path.GetRelativePath(root, target).Replace('\\', '/')}");
                }
            }
        }

        return problems;
    }
}
