using Dwf.Generators.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// The generator, the analyzers and the code fixes under hostile input (docs/reliability.md). The suite runs
/// a short form; <c>DWF_FUZZ_MUTATIONS=20000</c> runs the long one (see <see cref="FuzzSettings"/>).
/// </summary>
[Collection(MachineHeavyCollection.Name)]
public sealed class FuzzTests
{
    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_inputs_never_break_the_generator_the_analyzers_or_the_code_fixes()
    {
        var settings = FuzzSettings.FromEnvironment();
        var report = FuzzRunner.Run(settings, new FuzzTarget(codeFixes: new CodeFixProbe()), FuzzCorpus.All);

        _output.WriteLine(report.Summary());
        Assert.True(report.Failures.Count == 0, report.Describe());
    }
}
