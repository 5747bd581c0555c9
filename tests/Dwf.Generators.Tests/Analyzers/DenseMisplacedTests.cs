using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF011: [Dense] together with [Factorize] on one field, or [Dense] in a class without [Factorize].</summary>
public sealed class DenseMisplacedTests
{
    private static string Net(string classAttribute, string field) => $$"""
        {{classAttribute}}
        public partial class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 4);
            {{field}}
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => head.call(fc.call(x));
        }
        """;

    [Theory]
    [InlineData("[{|DWF011:Dense|}, Factorize] private readonly Linear head = Linear(4, 2);")]
    [InlineData("[Factorize(Depth = 4)] [{|DWF011:Dense|}] private readonly Linear head = Linear(4, 2);")]
    public Task Fires_on_Dense_and_Factorize_on_the_same_field(string field) =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(Net("[Factorize]", field));

    [Fact]
    public Task Fires_on_Dense_in_a_class_without_Factorize() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(Net("", "[{|DWF011:Dense|}] private readonly Linear head = Linear(4, 2);"));

    [Fact]
    public Task Silent_on_Dense_alone_in_a_Factorize_class() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(Net("[Factorize]", "[Dense] private readonly Linear head = Linear(4, 2);"));
}
