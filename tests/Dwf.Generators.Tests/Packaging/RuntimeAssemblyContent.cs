using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Dwf.Generators.Tests.Packaging;

/// <summary>
/// What the runtime assembly (<c>Dwf.dll</c>, the package's <c>lib/</c>) must not contain: code that starts processes,
/// and the dataset readers and fetching that live in <c>samples/Dwf.Datasets</c>. Read from metadata with
/// System.Reflection.Metadata, so nothing of the assembly is loaded or run.
/// </summary>
internal static class RuntimeAssemblyContent
{
    /// <summary>The namespace of the dataset code that must stay out of the package.</summary>
    public const string DatasetsNamespace = "Dwf.Datasets";

    /// <summary>The types that left the runtime for <c>samples/Dwf.Datasets</c>: none may come back, in any namespace.</summary>
    public static readonly IReadOnlyList<string> MovedTypeNames = new[]
    {
        "AtomicFile", "CifarBinaryReader", "CifarLabelKind", "CifarVariant", "DataFileContent", "DataOrigin", "DataSourceOptions",
        "DatasetFormatException", "DatasetSplit", "DatasetUnavailableException", "IdxImages", "IdxLabels", "IdxReader", "ImageTensors",
        "MnistCatalog", "MnistDataset", "MnistFileSet", "MnistSources", "MnistVariant", "NpmMnistInstaller",
    };

    /// <summary>Types whose presence shows the inspection read the right assembly (so an empty list of problems means something).</summary>
    public static readonly IReadOnlyList<string> ExpectedTypes = new[] { "Dwf.Training.Trainer", "Dwf.Data.ImageClassificationDataset", "Dwf.Data.BatchLoader" };

    /// <summary>Every way <paramref name="assembly"/> breaks the rules, one line each; empty when it keeps them.</summary>
    public static IReadOnlyList<string> Problems(Stream assembly)
    {
        using var pe = new PEReader(assembly, PEStreamOptions.LeaveOpen | PEStreamOptions.PrefetchEntireImage);
        var metadata = pe.GetMetadataReader();
        var problems = new List<string>();

        foreach (var handle in metadata.AssemblyReferences)
        {
            string name = metadata.GetString(metadata.GetAssemblyReference(handle).Name);
            if (name == "System.Diagnostics.Process")
            {
                problems.Add("references the assembly System.Diagnostics.Process (code that starts processes)");
            }
        }

        foreach (var handle in metadata.TypeReferences)
        {
            var reference = metadata.GetTypeReference(handle);
            string ns = metadata.GetString(reference.Namespace);
            string name = metadata.GetString(reference.Name);
            if (ns == "System.Diagnostics" && name.StartsWith("Process", StringComparison.Ordinal))
            {
                problems.Add($"references the type {ns}.{name} (code that starts processes)");
            }
        }

        var defined = DefinedTypes(metadata);
        foreach (string type in defined)
        {
            int dot = type.LastIndexOf('.');
            string ns = dot < 0 ? string.Empty : type[..dot];
            string name = type[(dot + 1)..];
            if (ns == DatasetsNamespace || ns.StartsWith(DatasetsNamespace + ".", StringComparison.Ordinal))
            {
                problems.Add($"defines {type} (dataset code belongs in samples/Dwf.Datasets)");
            }
            else if (MovedTypeNames.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"defines {type}, a dataset type that moved to samples/Dwf.Datasets");
            }
        }

        foreach (string expected in ExpectedTypes.Where(t => !defined.Contains(t)))
        {
            problems.Add($"does not define {expected}: not the Dwf runtime assembly?");
        }

        return problems;
    }

    // Top-level types by full name; nested types count under their outer type's namespace.
    private static HashSet<string> DefinedTypes(MetadataReader metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            var outer = type;
            while (outer.GetDeclaringType() is { IsNil: false } declaring)
            {
                outer = metadata.GetTypeDefinition(declaring);
            }

            string ns = metadata.GetString(outer.Namespace);
            string name = metadata.GetString(type.Name);
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            names.Add((ns.Length == 0 ? string.Empty : ns + ".") + (tick < 0 ? name : name[..tick]));
        }

        return names;
    }
}
