using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Dwf.Generators.Tests.Generator;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// The inputs the fuzzer mutates: the generator's snapshot inputs and invalid inputs, the conversion and
/// semantics models of Dwf.Tests and the sample models (embedded from their files, so the corpus follows
/// them), and a few hostile seeds written for the fuzzer (<see cref="HostileSeeds"/>).
/// </summary>
internal static class FuzzCorpus
{
    private const string ResourcePrefix = "FuzzCorpus/";

    public static IReadOnlyList<FuzzInput> All { get; } = Load();

    private static IReadOnlyList<FuzzInput> Load()
    {
        var inputs = new List<FuzzInput>();
        foreach (var (name, (_, sources)) in SnapshotCases.Cases.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            inputs.Add(FuzzInput.Of("snapshot " + name, sources));
        }

        foreach (var @case in InvalidInputTests.Cases())
        {
            inputs.Add(FuzzInput.Of("invalid input: " + (string)@case[0], ("Input.cs", (string)@case[1])));
        }

        var assembly = typeof(FuzzCorpus).Assembly;
        var resources = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (resources.Count == 0)
        {
            throw new InvalidOperationException("No embedded corpus files (FuzzCorpus/*.cs): check the EmbeddedResource items of the test project.");
        }

        foreach (var resource in resources)
        {
            string name = resource.Substring(ResourcePrefix.Length);
            inputs.Add(FuzzInput.Of("model " + name, (name.Replace('/', '.'), Read(assembly, resource))));
        }

        inputs.AddRange(HostileSeeds.All);
        return inputs;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Resource {resource} not found.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
