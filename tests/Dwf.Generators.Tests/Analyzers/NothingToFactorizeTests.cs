using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF007: a [Factorize] class has no field that can hold an eligible layer.</summary>
public sealed class NothingToFactorizeTests
{
    private static string Net(string fields) => $$"""
        [Factorize]
        public partial class {|#0:Net|} : Module<Tensor, Tensor>
        {
        {{fields}}
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => x;
        }
        """;

    private const string NoEligibleField =
        "no field can hold a Linear, Conv, ConvTranspose or Bilinear layer (an Embedding or Parameter field counts only with its own [Factorize])";

    private static Task Fires(string fields, string reason = NoEligibleField) =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync(
            Net(fields),
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FactorizedClassAnalyzer>.Diagnostic(Dwf.Analyzers.DiagnosticDescriptors.NothingToFactorize).WithLocation(0).WithArguments("Net", reason));

    private static Task Silent(string fields) => AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync(Net(fields));

    [Fact]
    public Task Fires_when_only_weightless_layers_are_declared() => Fires("""
            private readonly ReLU act = ReLU();
            private readonly BatchNorm1d norm = BatchNorm1d(4);
            private readonly Dropout drop = Dropout();
        """);

    [Fact]
    public Task Fires_when_every_eligible_field_is_Dense() => Fires("""
            [Dense] private readonly Linear fc1 = Linear(4, 4);
            [Dense] private readonly Sequential body = Sequential();
        """,
        "every field that can hold a layer is [Dense]");

    [Fact]
    public Task Fires_when_an_Embedding_has_no_field_level_Factorize() => Fires("""
            private readonly Embedding embed = Embedding(10, 4);
            private static readonly Linear Shared = Linear(4, 2);
        """);

    [Fact]
    public Task Fires_on_a_class_without_fields() => Fires("");

    [Theory]
    [InlineData("private readonly Linear fc = Linear(4, 2);")]
    [InlineData("[Factorize] private readonly Embedding embed = Embedding(10, 4);")]
    [InlineData("[Factorize] private readonly Parameter gate = new Parameter(zeros(4));")]
    [InlineData("private readonly Sequential body = Sequential();")]
    [InlineData("private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();")]
    [InlineData("private readonly Module<Tensor, Tensor> backbone;")]
    [InlineData("public Linear Head { get; } = Linear(4, 2);")] // the backing field is registered too
    [InlineData("[Dense] private readonly Linear head = Linear(4, 2); private readonly Conv2d conv = Conv2d(1, 1, 3);")]
    public Task Silent_when_a_field_can_hold_an_eligible_layer(string fields) => Silent(fields);

    [Fact]
    public Task Silent_when_the_eligible_field_is_inherited_from_a_user_base_class() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            public abstract class Backbone : Module<Tensor, Tensor>
            {
                protected readonly Linear fc = Linear(4, 2);
                protected Backbone(string name) : base(name) { }
            }

            [Factorize]
            public partial class Net : Backbone
            {
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);

    [Fact]
    public Task Silent_on_an_abstract_class_whose_derived_classes_declare_the_layers() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            [Factorize]
            public abstract partial class Net : Module<Tensor, Tensor>
            {
                protected Net(string name) : base(name) { }
            }
            """);
}
