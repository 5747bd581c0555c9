using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF003 (Depth &lt; 2) and DWF004 (Depth &gt; 6), on classes and fields.</summary>
public sealed class DepthTests
{
    private static string Net(string classArguments, string fieldArguments) => $$"""
        [Factorize{{classArguments}}]
        public partial class Net : Module<Tensor, Tensor>
        {
            [Factorize{{fieldArguments}}] private readonly Linear fc1 = Linear(4, 4), fc2 = Linear(4, 2);
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc2.call(fc1.call(x));
        }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public Task DWF003_fires_on_a_class_depth_below_2(int depth) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net($"({{|DWF003:Depth = {depth}|}})", ""));

    [Fact]
    public Task DWF003_fires_once_on_a_field_attribute_shared_by_two_fields() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("", "({|DWF003:Depth = 1|})"));

    [Theory]
    [InlineData(7)]
    [InlineData(12)]
    public Task DWF004_fires_on_a_depth_above_6(int depth) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("", $"({{|DWF004:Depth = {depth}|}})"));

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public Task Silent_on_depths_2_to_6(int depth) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net($"(Depth = {depth})", $"(Depth = {depth})"));
}
