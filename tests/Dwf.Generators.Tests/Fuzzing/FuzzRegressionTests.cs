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
    public void Clashing_file_names_get_a_suffix_from_a_stable_hash_of_the_exact_name()
    {
        var result = Infrastructure.GeneratorHarness.Run(Infrastructure.TestCompilation.Create(HostileSeeds.Usings + "namespace Models;\n\n" + Net("NET") + Net("Net") + Net("Other"))).Result;

        // FNV-1a of "Models.NET" and "Models.Net": the same on every machine and run (docs/generator.md); in metadata-name order.
        Assert.Equal(new[] { "Models.NET.4b697f52.g.cs", "Models.Net.2bb8fed2.g.cs", "Models.Other.g.cs" }, result.GeneratedSources.Select(s => s.HintName));
    }

    [Fact]
    public void A_file_name_without_a_clash_stays_as_documented()
    {
        var result = Infrastructure.GeneratorHarness.Run(Infrastructure.TestCompilation.Create(HostileSeeds.Usings + "namespace Models;\n\n" + Net("Net") + Net("Other"))).Result;

        Assert.Equal(new[] { "Models.Net.g.cs", "Models.Other.g.cs" }, result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("int[]? Depth", "Depth = new[] { 3 }")] // TypedConstant.Value threw for an array (generator: CS8785, analyzer: AD0001)
    [InlineData("string? Depth", "Depth = \"3\"")] // Convert.ToInt32 threw FormatException in the analyzer
    [InlineData("long Depth", "Depth = long.MaxValue")] // Convert.ToInt32 overflowed
    [InlineData("System.Type? InitStdValue", "InitStdValue = typeof(int)")] // Convert.ToDouble threw InvalidCastException
    [InlineData("object? InitStd", "InitStd = new object[] { 1 }")]
    [InlineData("float Lambda", "Lambda = float.NaN")]
    public void A_look_alike_attribute_declared_in_source_breaks_nothing(string property, string argument)
    {
        string source = $$"""
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            namespace Dwf
            {
                public sealed class FactorizeAttribute : System.Attribute
                {
                    public {{property}} { get; set; }
                }
            }

            namespace TorchSharp.Utils
            {
                public sealed class ComponentNameAttribute : System.Attribute
                {
                    public string[]? Name { get; set; }
                }
            }

            namespace Models
            {
                using Dwf;

                [Factorize({{argument}})]
                public partial class Net : Module<Tensor, Tensor>
                {
                    [Factorize({{argument}}), TorchSharp.Utils.ComponentName(Name = new[] { "x" })] private readonly Linear fc = Linear(2, 2);

                    public Net() : base(nameof(Net)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => fc.call(x);
                }
            }
            """;

        var outcome = Target.Check(FuzzInput.Of("look-alike attribute", ("LookAlike.cs", source)));

        Assert.True(outcome.Problems.Count == 0, string.Join("\n", outcome.Problems));
    }
}
