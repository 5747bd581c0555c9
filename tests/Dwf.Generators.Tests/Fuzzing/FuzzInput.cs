using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>One compilation's worth of source files, as (path, text).</summary>
/// <param name="Name">Where it came from: the corpus entry, and for a mutant the mutations applied.</param>
/// <param name="Files">The files; the path names the syntax tree.</param>
/// <param name="Origin">For a mutant, the corpus input it was made from (the "before" of an edit in the editor).</param>
internal sealed record FuzzInput(string Name, ImmutableArray<(string Path, string Text)> Files, FuzzInput? Origin = null)
{
    public static FuzzInput Of(string name, params (string Path, string Text)[] files) => new(name, files.ToImmutableArray());

    /// <summary>Every file with a header line, as a failure report shows it (copy, paste, reproduce).</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (path, source) in Files)
        {
            text.Append("// ----- ").Append(path).Append(" -----\n").Append(source).Append('\n');
        }

        return text.ToString();
    }

    public int TotalLength => Files.Sum(f => f.Text.Length);
}
