using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF006: [Factorize] on a field whose layer cannot or must not be factorized.</summary>
public sealed class FieldNotFactorizableTests
{
    private static string NetWithField(string attribute, string fieldType) => $$"""
        [Factorize]
        public partial class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 2);
            [{{attribute}}] private {{fieldType}} extra;
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }

        public class Block : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 4);
            public Block() : base(nameof(Block)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    [Theory]
    [InlineData("BatchNorm2d")] // normalization: scales and shifts, must not be factorized
    [InlineData("LayerNorm")]
    [InlineData("GroupNorm")]
    [InlineData("Dropout")]
    [InlineData("Dropout2d")]
    [InlineData("ReLU")]
    [InlineData("GELU")]
    [InlineData("PReLU")] // an activation even though it has a weight
    [InlineData("MaxPool2d")]
    [InlineData("AdaptiveAvgPool2d")]
    [InlineData("Flatten")]
    [InlineData("Identity")]
    [InlineData("LSTM")] // recurrent weights are not supported by the runtime
    [InlineData("EmbeddingBag")]
    [InlineData("ParameterList")]
    [InlineData("CrossEntropyLoss")]
    [InlineData("ModuleList<BatchNorm2d>")]
    [InlineData("Tensor")] // a buffer, not a parameter
    [InlineData("int")]
    [InlineData("Linear[]")] // arrays are not registered
    [InlineData("List<Linear>")]
    public Task Fires_on_a_field_that_cannot_be_factorized(string fieldType) =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(NetWithField("{|DWF006:Factorize|}", fieldType));

    [Fact]
    public Task Fires_at_the_whole_attribute_including_its_arguments() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(NetWithField("{|DWF006:Factorize(Depth = 4)|}", "BatchNorm1d"));

    [Theory]
    [InlineData("Linear")]
    [InlineData("Conv2d")]
    [InlineData("ConvTranspose3d")]
    [InlineData("Bilinear")]
    [InlineData("Embedding")] // opt-in: exactly what the field-level attribute is for
    [InlineData("Parameter")]
    [InlineData("Sequential")]
    [InlineData("ModuleList<Linear>")]
    [InlineData("ModuleDict<Module<Tensor, Tensor>>")]
    [InlineData("Module<Tensor, Tensor>")]
    [InlineData("Module")]
    [InlineData("IModule<Tensor, Tensor>")]
    [InlineData("MultiheadAttention")] // not known to be weightless: never a false error
    [InlineData("Block")] // a custom module
    public Task Silent_on_a_field_that_can_hold_an_eligible_layer(string fieldType) =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(NetWithField("Factorize", fieldType));

    [Fact]
    public Task Fires_on_a_submodule_that_has_its_own_Factorize() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync("""
            [Factorize(Depth = 4)]
            public partial class Encoder : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 4);
                public Encoder() : base(nameof(Encoder)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }

            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                [{|DWF006:Factorize(Depth = 2)|}] private readonly Encoder encoder = new Encoder();
                private readonly Encoder plain = new Encoder(); // without the attribute it keeps its own settings
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => plain.call(encoder.call(x));
            }
            """);

    [Fact]
    public Task Silent_on_Dense_fields_of_any_type() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(NetWithField("Dense", "BatchNorm2d"));

    [Fact]
    public Task Silent_on_a_type_parameter_constrained_to_Module() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync("""
            [Factorize]
            public partial class Head<TLayer> : Module<Tensor, Tensor> where TLayer : Module<Tensor, Tensor>
            {
                [Factorize] private readonly TLayer layer;
                public Head(TLayer layer) : base(nameof(Head<TLayer>)) { this.layer = layer; RegisterComponents(); }
                public override Tensor forward(Tensor x) => layer.call(x);
            }
            """);
}
