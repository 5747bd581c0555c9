using System.Threading.Tasks;
using Dwf.Analyzers;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF015: TargetCompression ≤ 1 or not finite, together with Lambda, or on a field; and its near misses.</summary>
public sealed class TargetCompressionTests
{
    private static string Net(string classArguments, string fieldArguments = "") => OptionSources.NetWithAttributedField(classArguments, fieldArguments);

    [Theory]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("0.5")]
    [InlineData("-100")]
    [InlineData("double.NaN")]
    [InlineData("double.PositiveInfinity")]
    public Task Fires_on_a_ratio_that_is_not_finite_and_above_1(string value) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net($"(Depth = 3, {{|DWF015:TargetCompression = {value}|}})"));

    [Fact]
    public Task Fires_together_with_Lambda() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("(Lambda = 3e-4, {|DWF015:TargetCompression = 100|})"));

    [Fact]
    public Task Fires_on_a_field() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("", "({|DWF015:TargetCompression = 100|})"));

    // Near misses: just above 1, large, with every other option but Lambda, and a field-level Lambda under a class target.
    [Theory]
    [InlineData("(TargetCompression = 1.0001)")]
    [InlineData("(TargetCompression = 100)")]
    [InlineData("(Depth = 4, TargetCompression = 1e6, InitTruncation = 0.5, FactorizeBias = true)")]
    public Task Silent_on_a_valid_class_level_target(string arguments) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net(arguments));

    [Fact]
    public Task Silent_when_a_field_sets_its_own_Lambda_under_a_class_target() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("(TargetCompression = 100)", "(Lambda = 1e-3)"));

    [Fact]
    public Task The_message_says_what_is_wrong_and_how_to_fix_it() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(
            Net("(Lambda = 3e-4, {|#0:TargetCompression = 100|})"),
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FactorizationOptionsAnalyzer>.Diagnostic(DiagnosticDescriptors.TargetCompressionInvalid).WithLocation(0)
                .WithMessage("TargetCompression = 100 on 'Net' cannot apply: with a target λ is steered during training, so Lambda must not be set as well; remove Lambda (or remove TargetCompression to train with a fixed λ)"));

    private static string Hierarchy(string baseArguments, string derivedArguments) => $$"""
        [Factorize{{baseArguments}}]
        public partial class BaseNet : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 2);
            public BaseNet() : base(nameof(BaseNet)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }

        [Factorize{{derivedArguments}}]
        public partial class DerivedNet : BaseNet
        {
        }
        """;

    [Fact]
    public Task Fires_on_a_target_under_a_base_class_that_sets_Lambda() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Hierarchy("(Lambda = 3e-4)", "({|DWF015:TargetCompression = 100|})"));

    [Fact]
    public Task Fires_on_a_Lambda_under_a_base_class_that_sets_a_target() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Hierarchy("(TargetCompression = 100)", "({|DWF015:Lambda = 3e-4|})"));

    [Fact]
    public Task Silent_when_base_and_derived_agree_on_a_target() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Hierarchy("(TargetCompression = 100)", "(TargetCompression = 50, Depth = 4)"));
}
