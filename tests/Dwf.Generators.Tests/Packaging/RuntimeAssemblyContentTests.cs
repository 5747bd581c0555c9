using System.IO;
using Xunit;

namespace Dwf.Generators.Tests.Packaging;

/// <summary>
/// The runtime assembly as built (the file <c>dotnet pack</c> puts in <c>lib/</c>) starts no processes and holds no
/// dataset code; <see cref="PackageConsumerTests"/> checks the packed <c>.nupkg</c> the same way.
/// </summary>
public sealed class RuntimeAssemblyContentTests
{
    [Fact]
    public void The_built_runtime_assembly_starts_no_processes_and_holds_no_dataset_code()
    {
        using var assembly = File.OpenRead(typeof(Dwf.Training.Trainer).Assembly.Location);
        Assert.Empty(RuntimeAssemblyContent.Problems(assembly));
    }

    [Fact]
    public void The_inspection_finds_a_reference_to_Process()
    {
        // This test assembly starts processes (Infrastructure/ProcessRunner.cs): the check must see that.
        using var assembly = File.OpenRead(typeof(RuntimeAssemblyContentTests).Assembly.Location);
        Assert.Contains("references the type System.Diagnostics.Process (code that starts processes)", RuntimeAssemblyContent.Problems(assembly));
    }
}
