using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF010: an optimizer built from parameters()/named_parameters() of a factorized module.</summary>
public sealed class OptimizerMissesFactorsTests
{
    private const string Models = """
        [Factorize]
        public partial class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 2);
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
            public object Optimizer() => {|#0:torch.optim.SGD(parameters(), 0.1)|};
        }

        public class WideNet : Net { }

        public class Dense : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 2);
            public Dense() : base(nameof(Dense)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }

        """;

    private static Task Verify(string training) =>
        AnalyzerVerifier<OptimizerAnalyzer>.VerifyAsync(
            Models + training,
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<OptimizerAnalyzer>.Diagnostic(Dwf.Analyzers.DiagnosticDescriptors.OptimizerMissesFactors).WithLocation(0)
                .WithArguments("torch.optim.SGD(...)", "parameters()", "Net", "CreateSgd(...)"));

    [Theory]
    [InlineData("{|DWF010:torch.optim.SGD(model.parameters(), 0.01)|}")]
    [InlineData("{|DWF010:torch.optim.SGD(model.named_parameters(), 0.01, momentum: 0.9)|}")]
    [InlineData("{|DWF010:torch.optim.Adam(model.parameters())|}")]
    [InlineData("{|DWF010:torch.optim.AdamW(model.parameters(), lr: 1e-3)|}")]
    [InlineData("{|DWF010:torch.optim.RMSProp(model.parameters())|}")]
    [InlineData("{|DWF010:torch.optim.SGD(model.parameters(recurse: false), 0.01)|}")]
    [InlineData("{|DWF010:new TorchSharp.Modules.SGD(model.parameters(), 0.01)|}")]
    [InlineData("(SGD){|DWF010:new(model.parameters(), 0.01)|}")]
    [InlineData("{|DWF010:torch.optim.SGD(learningRate: 0.01, parameters: model.parameters())|}")]
    [InlineData("{|DWF010:torch.optim.SGD(generic.parameters(), 0.01)|}")] // constrained to IFactorizedModule
    [InlineData("{|DWF010:torch.optim.SGD(derived.parameters(), 0.01)|}")] // inherits the factorization
    public Task Fires_on_an_optimizer_over_the_parameters_of_a_factorized_module(string optimizer) =>
        Verify($$"""
            public static class Training
            {
                public static object Build<TModel>(Net model, TModel generic, WideNet derived) where TModel : Module<Tensor, Tensor>, IFactorizedModule =>
                    {{optimizer}};
            }
            """);

    [Theory]
    [InlineData("torch.optim.SGD(dense.parameters(), 0.01)")]
    [InlineData("torch.optim.Adam(dense.named_parameters())")]
    [InlineData("torch.optim.SGD(upcast.parameters(), 0.01)")] // the static type is not factorized: not recognized
    public Task Silent_on_optimizers_over_other_modules(string optimizer) =>
        Verify($$"""
            public static class Training
            {
                public static object Build(Dense dense, Module<Tensor, Tensor> upcast) => {{optimizer}};
            }
            """);
}
