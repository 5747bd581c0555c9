using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Dwf.Analyzers.CodeFixes;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Offers the Dwf code fixes for the analyzers' diagnostics as an editor would (<c>RegisterCodeFixesAsync</c>)
/// and computes every offered change (<c>GetOperationsAsync</c>, which runs the rewrite and the formatter).
/// Any exception is a problem: in an editor it would surface as a failing light bulb.
/// </summary>
internal sealed class CodeFixProbe
{
    /// <summary>At most this many diagnostics per input are fixed (they are similar; the time goes to the next input).</summary>
    private const int MaxDiagnostics = 6;

    private readonly ImmutableArray<CodeFixProvider> _providers;
    private readonly Project _emptyProject;

    public CodeFixProbe(IEnumerable<CodeFixProvider>? providers = null)
    {
        _providers = (providers ?? AllProviders()).ToImmutableArray();
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "FuzzInput",
            "FuzzInput",
            LanguageNames.CSharp,
            compilationOptions: TestCompilation.Create(Array.Empty<(string, string)>()).Options,
            parseOptions: TestCompilation.ParseOptions,
            metadataReferences: TestReferences.All));

        // Bind the references once; every input's project is this one plus documents, which reuses them.
        project.GetCompilationAsync().GetAwaiter().GetResult();
        _emptyProject = project;
    }

    public static IEnumerable<CodeFixProvider> AllProviders() => new CodeFixProvider[]
    {
        new AddRegisterComponentsCallCodeFixProvider(),
        new MakePartialCodeFixProvider(),
        new RemoveAttributeCodeFixProvider(),
        new SetDefaultDepthCodeFixProvider(),
        new UseGeneratedOptimizerCodeFixProvider(),
    };

    /// <summary>Applies the fixes; adds a problem per exception; returns the number of code actions computed.</summary>
    public int Apply(FuzzInput input, IEnumerable<GeneratedSourceResult> generated, IReadOnlyList<Diagnostic> diagnostics, List<string> problems)
    {
        // Concurrent analyzers report in any order: sort, so that a run (and a replay) fixes the same diagnostics.
        var fixable = diagnostics
            .Where(d => d.Location.IsInSource && _providers.Any(p => p.FixableDiagnosticIds.Contains(d.Id)))
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .Take(MaxDiagnostics)
            .ToList();
        if (fixable.Count == 0)
        {
            return 0;
        }

        var project = _emptyProject;
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var (path, text) in input.Files)
        {
            var document = project.AddDocument(path, SourceText.From(text), filePath: path);
            documents[path] = document;
            project = document.Project;
        }

        // The generated code, as a build would see it (a fix may look at the generated members' symbols).
        foreach (var source in generated)
        {
            project = project.AddDocument(source.HintName, source.SourceText, filePath: source.HintName).Project;
        }

        int computed = 0;
        foreach (var diagnostic in fixable)
        {
            if (diagnostic.Location.SourceTree?.FilePath is not { } path || !documents.ContainsKey(path))
            {
                continue;
            }

            var document = project.GetDocument(documents[path].Id)!;
            foreach (var provider in _providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                computed += Run(provider, document, diagnostic, problems);
            }
        }

        return computed;
    }

    private static int Run(CodeFixProvider provider, Document document, Diagnostic diagnostic, List<string> problems)
    {
        var actions = new List<CodeAction>();
        try
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            provider.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
            foreach (var action in actions)
            {
                foreach (var operation in action.GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult())
                {
                    if (operation is ApplyChangesOperation change)
                    {
                        // Materialize the fixed text: the rewrite may be lazy.
                        foreach (var id in change.ChangedSolution.GetChanges(document.Project.Solution).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()))
                        {
                            _ = change.ChangedSolution.GetDocument(id)!.GetTextAsync().GetAwaiter().GetResult();
                        }
                    }
                }
            }
        }
        catch (Exception error)
        {
            problems.Add($"code fix: {provider.GetType().Name} threw on {diagnostic}: {error}");
        }

        return actions.Count;
    }
}
