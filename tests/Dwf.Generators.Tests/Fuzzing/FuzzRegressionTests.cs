using System.Linq;
using Xunit;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Inputs on which the fuzzer found a crash, minimized, kept as regression tests: each must now pass every
/// check of <see cref="FuzzTarget"/> (and, where the input is valid, give the expected files).
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly FuzzTarget Target = new(codeFixes: new CodeFixProbe());

    private static string Net(string name, string attribute = "[Factorize]") => $$"""
        {{attribute}}
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(2, 2);

            public {{name}}() : base("{{name}}") => RegisterComponents();

            public override Tensor forward(Tensor x) => fc.call(x);
        }

        """;

    [Theory]
    [InlineData("Net", "NET")] // file names are compared without case: 'Models.Net.g.cs' and 'Models.NET.g.cs' clashed (CS8785)
    [InlineData("Net\u203F", "Net_")] // an undertie is not a file-name character; both became 'Models.Net_.g.cs'
    [InlineData("net", "Net")]
    public void Types_whose_file_names_would_clash_each_get_their_own_file(string first, string second)
    {
        var input = FuzzInput.Of("clashing file names", ("Nets.cs", HostileSeeds.Usings + "namespace Models;\n\n" + Net(first) + "\n" + Net(second, "[Factorize(Depth = 4)]")));

        var outcome = Target.Check(input);

        Assert.True(outcome.Problems.Count == 0, string.Join("\n", outcome.Problems));
        Assert.True(outcome.InputCompiled);
        Assert.Equal(2, outcome.GeneratedFiles);
    }

    [Fact]
    public void A_file_name_without_a_clash_stays_as_documented()
    {
        var result = Infrastructure.GeneratorHarness.Run(Infrastructure.TestCompilation.Create(HostileSeeds.Usings + "namespace Models;\n\n" + Net("Net") + Net("Other"))).Result;

        Assert.Equal(new[] { "Models.Net.g.cs", "Models.Other.g.cs" }, result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
    }
}
