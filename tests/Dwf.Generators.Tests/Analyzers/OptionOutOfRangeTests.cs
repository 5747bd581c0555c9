using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF005 (numeric options out of range) and DWF014 (InitStdValue without InitStd = Fixed).</summary>
public sealed class OptionOutOfRangeTests
{
    private static string Net(string classArguments, string fieldArguments = "") => OptionSources.NetWithAttributedField(classArguments, fieldArguments);

    [Theory]
    [InlineData("Lambda = -1e-3")]
    [InlineData("Lambda = double.NaN")]
    [InlineData("Lambda = double.PositiveInfinity")]
    [InlineData("InitTruncation = -0.1")]
    [InlineData("InitTruncation = 2.0")]
    [InlineData("InitTruncation = double.NaN")]
    [InlineData("InitStd = (InitStd)7")]
    public Task Fires_on_an_out_of_range_value(string argument) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net($"({{|DWF005:{argument}|}})"));

    [Fact]
    public Task Fires_on_InitStd_Fixed_without_InitStdValue() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("({|DWF005:InitStd = InitStd.Fixed|})"));

    [Theory]
    [InlineData("0")]
    [InlineData("-0.05")]
    [InlineData("double.PositiveInfinity")]
    public Task Fires_on_a_fixed_std_that_is_not_positive_and_finite(string value) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net($"(InitStd = InitStd.Fixed, {{|DWF005:InitStdValue = {value}|}})"));

    [Fact]
    public Task Fires_on_a_field_that_sets_Fixed_when_the_class_gives_no_value() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("", "({|DWF005:InitStd = InitStd.Fixed|})"));

    [Theory]
    [InlineData("Lambda = 0")]
    [InlineData("Lambda = 1e-2")]
    [InlineData("InitTruncation = 0")]
    [InlineData("InitTruncation = 1.99")]
    [InlineData("InitStd = InitStd.He")]
    [InlineData("InitStd = InitStd.Fixed, InitStdValue = 0.05")]
    public Task Silent_on_values_in_range(string arguments) =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net($"({arguments})"));

    [Fact]
    public Task Silent_when_a_field_sets_Fixed_and_inherits_the_class_value() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("(InitStdValue = 0.05)", "(InitStd = InitStd.Fixed)"));

    [Fact]
    public Task DWF014_fires_on_InitStdValue_without_Fixed() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("(InitStd = InitStd.He, {|DWF014:InitStdValue = 0.05|})"));

    [Fact]
    public Task DWF014_fires_on_a_field_InitStdValue_when_nothing_sets_Fixed() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(Net("", "({|DWF014:InitStdValue = 0.05|})"));
}
