using System.Threading.Tasks;
using Dwf.Analyzers;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>The messages name the offending member and say what to do, as the user reads them in the editor.</summary>
public sealed class DiagnosticMessagesTests
{
    [Fact]
    public Task DWF001_names_every_type_that_needs_partial() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync(
            """
            public static class Models
            {
                public static class Vision
                {
                    [Factorize]
                    public class {|#0:Net|} : Module<Tensor, Tensor>
                    {
                        private readonly Linear fc = Linear(4, 2);
                        public Net() : base(nameof(Net)) => RegisterComponents();
                        public override Tensor forward(Tensor x) => fc.call(x);
                    }
                }
            }
            """,
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FactorizedClassAnalyzer>.Diagnostic(DiagnosticDescriptors.ClassNotPartial).WithLocation(0)
                .WithMessage("'Models.Vision.Net' has [Factorize], so the Dwf generator must add members to it: add 'partial' to 'Models', 'Models.Vision' and 'Models.Vision.Net'"));

    [Fact]
    public Task DWF005_names_the_option_the_class_and_the_valid_range() =>
        AnalyzerVerifier<FactorizationOptionsAnalyzer>.VerifyAsync(
            """
            [Factorize({|#0:Lambda = -0.5|})]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """,
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FactorizationOptionsAnalyzer>.Diagnostic(DiagnosticDescriptors.OptionOutOfRange).WithLocation(0)
                .WithMessage("Lambda = -0.5 on 'Net' is out of range: Lambda must be finite and at least 0 (typical values for a mean loss are 1e-5 to 1e-2; 0 trains the factors without a penalty)"));

    [Fact]
    public Task DWF006_names_the_fields_the_layer_and_why() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                [{|#0:Factorize|}] private readonly BatchNorm1d norm1 = BatchNorm1d(2), norm2 = BatchNorm1d(2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """,
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<FieldAttributeAnalyzer>.Diagnostic(DiagnosticDescriptors.FieldNotFactorizable).WithLocation(0)
                .WithMessage("[Factorize] on 'Net.norm1, norm2' cannot apply: BatchNorm1d is a normalization layer, whose weight and bias are scales and shifts that must not be factorized; remove the attribute"));

    [Fact]
    public Task DWF008_names_the_member_and_the_generated_member() =>
        AnalyzerVerifier<ReservedMemberAnalyzer>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
                public Tensor {|#0:Penalty|}() => fc.weight.abs().sum();
            }
            """,
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<ReservedMemberAnalyzer>.Diagnostic(DiagnosticDescriptors.ReservedMemberConflict).WithLocation(0)
                .WithMessage("'Net.Penalty' conflicts with the generated method 'Penalty()': rename or remove it"));

    [Fact]
    public Task DWF010_names_the_call_the_module_and_the_replacement() =>
        AnalyzerVerifier<OptimizerAnalyzer>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }

            public static class Training
            {
                public static object Build(Net model) => {|#0:torch.optim.AdamW(model.parameters(), 1e-3)|};
            }
            """,
            System.Array.Empty<(string, string)>(),
            AnalyzerVerifier<OptimizerAnalyzer>.Diagnostic(DiagnosticDescriptors.OptimizerMissesFactors).WithLocation(0)
                .WithMessage("torch.optim.AdamW(...) is built from 'model.parameters()' of the factorized module 'Net', so the factors would not be trained: use 'model.CreateAdamW(...)' instead"));
}
