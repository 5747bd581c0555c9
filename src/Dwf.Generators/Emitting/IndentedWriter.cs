using System.Text;

namespace Dwf.Generators.Emitting;

/// <summary>Writes source text line by line with four-space indentation and '\n' line endings on every OS.</summary>
internal sealed class IndentedWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _depth;

    /// <summary>Writes one line at the current indentation (an empty line stays empty).</summary>
    public IndentedWriter WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _depth; i++)
            {
                _text.Append(IndentUnit);
            }

            _text.Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace, then indents.</summary>
    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _depth++;
    }

    /// <summary>Unindents and writes the closing brace.</summary>
    public void CloseBlock()
    {
        _depth--;
        WriteLine("}");
    }

    /// <summary>Indents the following lines one more level (continuation lines).</summary>
    public void Indent() => _depth++;

    /// <summary>Undoes <see cref="Indent"/>.</summary>
    public void Unindent() => _depth--;

    public override string ToString() => _text.ToString();
}
