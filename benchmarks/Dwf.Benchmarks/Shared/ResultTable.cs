using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Dwf.Benchmarks.Shared;

/// <summary>A results table written twice: as CSV (for tools) and as Markdown with the command and the machine (for people).</summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = new();

    public ResultTable(params string[] columns) => Columns = columns;

    public string[] Columns { get; }

    public void Add(params string[] cells)
    {
        if (cells.Length != Columns.Length)
        {
            throw new ArgumentException($"A row needs {Columns.Length} cells; got {cells.Length}.");
        }

        _rows.Add(cells);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Columns.Select(EscapePipe)).AppendLine(" |");
        text.Append('|').AppendJoin('|', Columns.Select(_ => " --- ")).AppendLine("|");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(EscapePipe)).AppendLine(" |");
        }

        return text.ToString();
    }

    public string ToCsv()
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Columns.Select(Escape)).Append('\n');
        foreach (var row in _rows)
        {
            text.AppendJoin(',', row.Select(Escape)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes <c>name.csv</c> and <c>name.md</c> (title, command, machine, table, notes) into <paramref name="directory"/>.</summary>
    public void Write(string directory, string name, string title, string command, IEnumerable<string> notes)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csv"), ToCsv());
        var markdown = new StringBuilder();
        markdown.AppendLine($"# {title}").AppendLine();
        markdown.AppendLine("Command (from the repository root):").AppendLine();
        markdown.AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        markdown.AppendLine($"Machine: {MachineInfo.Describe()}").AppendLine();
        markdown.Append(ToMarkdown()).AppendLine();
        foreach (var note in notes)
        {
            markdown.AppendLine(note);
        }

        File.WriteAllText(Path.Combine(directory, name + ".md"), markdown.ToString());
    }

    // A '|' inside a Markdown table cell would end the cell.
    private static string EscapePipe(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Escape(string cell) =>
        cell.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;
}
