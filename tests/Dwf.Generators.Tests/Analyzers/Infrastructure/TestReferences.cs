using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Dwf.Generators.Tests.Analyzers.Infrastructure;

/// <summary>
/// The references every analyzer test compiles against, all from packages already restored: the .NET 10
/// reference assemblies (Basic.Reference.Assemblies), TorchSharp and the Dwf runtime as metadata. No
/// reference-assembly download happens at test time.
/// </summary>
internal static class TestReferences
{
    /// <summary>A target framework with no reference-assembly package: resolves to no references, offline.</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    public static readonly ImmutableArray<MetadataReference> All = Basic.Reference.Assemblies.Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(Dwf.FactorizeAttribute).Assembly.Location))
        .ToImmutableArray();

    /// <summary>The usings every test source starts with, like a TorchSharp model file.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using Dwf;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;
}
