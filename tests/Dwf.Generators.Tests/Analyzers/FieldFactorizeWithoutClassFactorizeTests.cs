using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF013: a field-level [Factorize] in a class without a class-level [Factorize].</summary>
public sealed class FieldFactorizeWithoutClassFactorizeTests
{
    private static string Net(string classAttribute) => $$"""
        {{classAttribute}}
        public partial class Net : Module<Tensor, Tensor>
        {
            [{|#0:Factorize(Depth = 4)|}] private readonly Linear fc = Linear(4, 2);
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    [Fact]
    public Task Fires_when_the_class_has_no_Factorize() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(
            Net(""),
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FieldAttributeAnalyzer>.Diagnostic(Dwf.Analyzers.DiagnosticDescriptors.FieldFactorizeWithoutClassFactorize).WithLocation(0)
                .WithArguments("Net.fc", "Net"));

    [Fact]
    public Task Silent_when_the_class_has_Factorize() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(Net("[Factorize]").Replace("{|#0:", "").Replace("|}]", "]"));
}
