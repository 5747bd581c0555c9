using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Dwf.Generators.Tests.Documentation;

/// <summary>
/// The little of Markdown the documentation tests need: fenced code blocks (and the ones a
/// <c>&lt;!-- readme-test: NAME --&gt;</c> comment marks), links outside code, and the anchors GitHub gives headings.
/// </summary>
internal static class Markdown
{
    /// <summary>A link in a Markdown file: its 1-based line and its target as written (<c>docs/a.md#b</c>).</summary>
    public sealed record Link(int Line, string Target);

    /// <summary>A fenced code block: the language after the opening fence, its text (lines joined with \n), the 1-based line of the fence.</summary>
    public sealed record CodeBlock(string Language, string Text, int Line);

    // [text](target) and ![alt](target), with an optional "title"; the target has no spaces in these files.
    private static readonly Regex InlineLink = new(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)", RegexOptions.CultureInvariant);
    private static readonly Regex InlineCode = new("`[^`]*`", RegexOptions.CultureInvariant);
    private static readonly Regex Heading = new(@"^(?<level>#{1,6})\s+(?<text>.*?)\s*#*\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex LinkInHeading = new(@"!?\[(?<text>[^\]]*)\]\([^)]*\)", RegexOptions.CultureInvariant);

    /// <summary>Lines of <paramref name="text"/> without line terminators.</summary>
    public static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    /// <summary>Every fenced code block, in order.</summary>
    public static IReadOnlyList<CodeBlock> CodeBlocks(string text)
    {
        var blocks = new List<CodeBlock>();
        var lines = Lines(text);
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string language = lines[i].Trim()[3..].Trim();
            int start = i + 1;
            int end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new FormatException($"The code block that opens on line {i + 1} is not closed.");
            }

            blocks.Add(new CodeBlock(language, string.Join("\n", lines[start..end]), i + 1));
            i = end;
        }

        return blocks;
    }

    /// <summary>
    /// The code block right after the line <c>&lt;!-- readme-test: <paramref name="name"/> --&gt;</c> (blank lines between
    /// are allowed); throws with what is missing, so a test fails when a marked block vanishes.
    /// </summary>
    public static CodeBlock MarkedBlock(string text, string name)
    {
        string marker = $"<!-- readme-test: {name} -->";
        var lines = Lines(text);
        var markers = Enumerable.Range(0, lines.Length).Where(i => lines[i].Trim() == marker).ToList();
        if (markers.Count != 1)
        {
            throw new FormatException($"Expected exactly one line '{marker}', found {markers.Count}.");
        }

        int next = markers[0] + 1;
        while (next < lines.Length && lines[next].Trim().Length == 0)
        {
            next++;
        }

        return CodeBlocks(text).SingleOrDefault(b => b.Line == next + 1)
            ?? throw new FormatException($"'{marker}' on line {markers[0] + 1} is not followed by a fenced code block.");
    }

    /// <summary>Every link outside fenced code blocks and inline code.</summary>
    public static IReadOnlyList<Link> Links(string text)
    {
        var links = new List<Link>();
        bool inFence = false;
        var lines = Lines(text);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            foreach (Match match in InlineLink.Matches(InlineCode.Replace(lines[i], string.Empty)))
            {
                links.Add(new Link(i + 1, match.Groups["target"].Value));
            }
        }

        return links;
    }

    /// <summary>The anchors GitHub gives the headings of <paramref name="text"/> (a repeated heading gets -1, -2, ...).</summary>
    public static IReadOnlySet<string> Anchors(string text)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        bool inFence = false;
        foreach (string line in Lines(text))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            var heading = inFence ? null : Heading.Match(line);
            if (heading is { Success: true })
            {
                string slug = Slug(heading.Groups["text"].Value);
                int count = seen.GetValueOrDefault(slug);
                seen[slug] = count + 1;
                anchors.Add(count == 0 ? slug : slug + "-" + count.ToString(CultureInfo.InvariantCulture));
            }
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's anchor for a heading: the rendered text (links reduced to their text, no code or emphasis marks) in lower
    /// case, letters, digits, '-' and '_' kept, spaces made '-', everything else dropped.
    /// </summary>
    public static string Slug(string heading)
    {
        string rendered = LinkInHeading.Replace(heading, m => m.Groups["text"].Value).Replace("`", string.Empty, StringComparison.Ordinal).Replace("*", string.Empty, StringComparison.Ordinal);
        var slug = new StringBuilder();
        foreach (char c in rendered.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '-' || c == '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }
}
