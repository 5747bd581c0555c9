using Dwf.Generators.Tests.Infrastructure;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Dwf.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>
/// The descriptor catalog against its contract: the pinned ids and severities, a help page per id that
/// exists in the repository, every descriptor reported by some analyzer, every fixable id real, and an
/// analyzer assembly that does not depend on Workspaces.
/// </summary>
public sealed class CatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    public static TheoryData<string, DiagnosticSeverity> PinnedSeverities => new()
    {
        { "DWF001", DiagnosticSeverity.Error },
        { "DWF002", DiagnosticSeverity.Error },
        { "DWF003", DiagnosticSeverity.Error },
        { "DWF004", DiagnosticSeverity.Warning },
        { "DWF005", DiagnosticSeverity.Error },
        { "DWF006", DiagnosticSeverity.Error },
        { "DWF007", DiagnosticSeverity.Warning },
        { "DWF008", DiagnosticSeverity.Error },
        { "DWF009", DiagnosticSeverity.Warning },
        { "DWF010", DiagnosticSeverity.Warning },
        { "DWF011", DiagnosticSeverity.Error },
        { "DWF012", DiagnosticSeverity.Warning },
        { "DWF017", DiagnosticSeverity.Warning },
        { "DWF018", DiagnosticSeverity.Warning },
    };

    [Theory]
    [MemberData(nameof(PinnedSeverities))]
    public void Pinned_ids_keep_their_severity(string id, DiagnosticSeverity severity)
    {
        var descriptor = Assert.Single(Descriptors, d => d.Id == id);
        Assert.Equal(severity, descriptor.DefaultSeverity);
        Assert.True(descriptor.IsEnabledByDefault);
    }

    [Fact]
    public void Ids_are_unique_and_numbered_without_gaps()
    {
        var ids = Descriptors.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToArray();
        var expected = Enumerable.Range(1, ids.Length).Select(i => $"DWF{i:000}").ToArray();
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void Every_descriptor_links_its_help_page_and_the_page_exists()
    {
        string root = RepositoryRoot.Path;
        foreach (var descriptor in Descriptors)
        {
            Assert.Equal(DiagnosticDescriptors.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
            string page = Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"missing help page {page}");
            string text = File.ReadAllText(page);
            Assert.StartsWith($"# {descriptor.Id}:", text, StringComparison.Ordinal);
            Assert.Contains(descriptor.DefaultSeverity.ToString(), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_rules_overview_lists_every_id()
    {
        string overview = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "analyzers.md"));
        foreach (var descriptor in Descriptors)
        {
            Assert.Contains($"[{descriptor.Id}](diagnostics/{descriptor.Id}.md)", overview, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_descriptor_is_reported_by_exactly_one_analyzer()
    {
        var supported = AnalyzerTypes<DiagnosticAnalyzer>()
            .SelectMany(a => a.SupportedDiagnostics)
            .Select(d => d.Id)
            .ToList();
        Assert.Equal(Descriptors.Select(d => d.Id).OrderBy(x => x), supported.OrderBy(x => x));
    }

    [Fact]
    public void Every_fixable_id_is_a_catalog_id()
    {
        var ids = new HashSet<string>(Descriptors.Select(d => d.Id));
        var fixable = AnalyzerTypes<CodeFixProvider>(typeof(Dwf.Analyzers.CodeFixes.MakePartialCodeFixProvider).Assembly)
            .SelectMany(f => f.FixableDiagnosticIds)
            .ToList();
        Assert.NotEmpty(fixable);
        Assert.All(fixable, id => Assert.Contains(id, ids));
    }

    [Fact]
    public void The_analyzer_assembly_does_not_reference_Workspaces()
    {
        var references = typeof(DiagnosticDescriptors).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.DoesNotContain(references, name => name!.Contains("Workspaces", StringComparison.Ordinal));
    }

    private static IEnumerable<T> AnalyzerTypes<T>(Assembly? assembly = null) =>
        (assembly ?? typeof(DiagnosticDescriptors).Assembly).GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (T)Activator.CreateInstance(t)!);
}
