using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace Dwf.Generators.Tests.Documentation;

/// <summary>
/// The README's section "Use it in your project", read from the README itself: its shell steps (the block marked
/// <c>readme-test: steps</c>), its C# example (<c>readme-test: example</c>) and the output it shows
/// (<c>readme-test: output</c>). A marker that vanishes or moves out of the section is an error, not a skipped test.
/// </summary>
internal sealed class ReadmeUse
{
    /// <summary>The heading of the section, as a newcomer looks for it.</summary>
    public const string Heading = "## Use it in your project";

    private ReadmeUse(string steps, string example, string output)
    {
        Steps = steps;
        Example = example;
        Output = output;
    }

    /// <summary>The shell block, as written.</summary>
    public string Steps { get; }

    /// <summary>The C# example, as written (what goes into Program.cs).</summary>
    public string Example { get; }

    /// <summary>The output the README shows for the example.</summary>
    public string Output { get; }

    /// <summary>The commands of <see cref="Steps"/> in order: comments dropped, <c>a &amp;&amp; b</c> split into two.</summary>
    public IReadOnlyList<string> Commands =>
        Markdown.Lines(Steps)
            .Select(line => line.IndexOf('#', StringComparison.Ordinal) is int hash and >= 0 ? line[..hash] : line)
            .SelectMany(line => line.Split("&&"))
            .Select(command => command.Trim())
            .Where(command => command.Length > 0)
            .ToList();

    /// <summary>The one command that starts with <paramref name="prefix"/>, split into words.</summary>
    public string[] Command(string prefix)
    {
        var matching = Commands.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (matching.Count != 1)
        {
            throw new FormatException($"Expected one command starting with '{prefix}' in the README's steps, found {matching.Count}:\n{Steps}");
        }

        return matching[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The value after <paramref name="option"/> in <paramref name="words"/>.</summary>
    public static string Option(string[] words, string option)
    {
        int at = Array.IndexOf(words, option);
        if (at < 0 || at + 1 >= words.Length)
        {
            throw new FormatException($"'{string.Join(' ', words)}' has no value for {option}.");
        }

        return words[at + 1];
    }

    /// <summary>Reads the section from README.md of <paramref name="repository"/>.</summary>
    public static ReadmeUse Load(string repository)
    {
        string readme = File.ReadAllText(Path.Combine(repository, "README.md"));
        var lines = Markdown.Lines(readme);
        int start = Array.FindIndex(lines, l => l.TrimEnd() == Heading);
        if (start < 0)
        {
            throw new FormatException($"README.md has no heading '{Heading}'.");
        }

        int end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        string section = string.Join("\n", lines[start..(end < 0 ? lines.Length : end)]);
        return new ReadmeUse(
            Block(section, "steps", "bash"),
            Block(section, "example", "csharp"),
            Block(section, "output", "text"));
    }

    /// <summary>The version the repository packs <c>Dwf</c> with (Directory.Build.props), what the README must ask for.</summary>
    public static string PackageVersion(string repository) =>
        XDocument.Load(Path.Combine(repository, "Directory.Build.props")).Descendants("Version").Single().Value.Trim();

    /// <summary>The version of <paramref name="package"/> in the repository's central package versions.</summary>
    public static string CentralVersion(string repository, string package) =>
        XDocument.Load(Path.Combine(repository, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == package).Attribute("Version")!.Value;

    private static string Block(string section, string name, string language)
    {
        var block = Markdown.MarkedBlock(section, name);
        if (block.Language != language)
        {
            throw new FormatException($"The block marked '{name}' under '{Heading}' is '{block.Language}', expected '{language}'.");
        }

        return block.Text;
    }
}
