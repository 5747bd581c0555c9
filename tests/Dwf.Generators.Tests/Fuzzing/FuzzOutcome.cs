using System.Collections.Generic;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>What checking one input found.</summary>
/// <param name="Problems">Broken guarantees, each starting with a short kind (e.g. <c>CS8785</c>, <c>AD0001</c>); empty when all held.</param>
/// <param name="InputCompiled">The input had no compiler error of its own, so its generated code had to compile too.</param>
/// <param name="GeneratedFiles">Files the generator produced.</param>
/// <param name="DwfDiagnostics">Diagnostics the Dwf analyzers reported.</param>
/// <param name="CodeFixesApplied">Code actions computed for those diagnostics.</param>
internal sealed record FuzzOutcome(IReadOnlyList<string> Problems, bool InputCompiled, int GeneratedFiles, int DwfDiagnostics, int CodeFixesApplied)
{
    public bool Failed => Problems.Count > 0;

    /// <summary>The kind of the first problem: the minimizer keeps an input only while it fails the same way.</summary>
    public string? FirstKind => Problems.Count == 0 ? null : Problems[0].Split(':')[0];
}
