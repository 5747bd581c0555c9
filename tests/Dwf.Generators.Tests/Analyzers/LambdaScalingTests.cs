using System.Threading.Tasks;
using Dwf.Analyzers;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF016: LambdaScaling on a field, or not Uniform or FanIn; and its near misses.</summary>
public sealed class LambdaScalingTests
{
    private static string Net(string classArguments, string fieldArguments = "") => OptionSources.NetWithAttributedField(classArguments, fieldArguments);

    [Theory]
    [InlineData("LambdaScaling.FanIn")]
    [InlineData("LambdaScaling.Uniform")]
    public Task Fires_on_a_field(string value) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("", $"({{|DWF016:LambdaScaling = {value}|}})"));

    [Fact]
    public Task Fires_on_a_value_that_is_no_member() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("(Depth = 3, {|DWF016:LambdaScaling = (LambdaScaling)2|})"));

    // Near misses: on the class, alone or with a target, λ and a field that sets its own λ.
    [Theory]
    [InlineData("(LambdaScaling = LambdaScaling.FanIn)", "")]
    [InlineData("(LambdaScaling = LambdaScaling.Uniform)", "")]
    [InlineData("(Depth = 3, TargetCompression = 100, LambdaScaling = LambdaScaling.FanIn)", "(Depth = 2)")]
    [InlineData("(Lambda = 3e-4, LambdaScaling = LambdaScaling.FanIn)", "(Lambda = 1e-3)")]
    public Task Silent_on_the_class(string classArguments, string fieldArguments) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net(classArguments, fieldArguments));

    [Fact]
    public Task The_message_says_what_is_wrong_and_how_to_fix_it() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(
            Net("", "({|#0:LambdaScaling = LambdaScaling.FanIn|})"),
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FactorizationOptionsAnalyzer>.Diagnostic(DiagnosticDescriptors.LambdaScalingInvalid).WithLocation(0)
                .WithMessage("LambdaScaling = LambdaScaling.FanIn on 'Net.fc' cannot apply: it scales every layer's λ against the largest fan-in of the whole model; move it to the class's [Factorize]"));
}
