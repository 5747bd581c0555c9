using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF001: a [Factorize] class, or a type containing it, is not partial.</summary>
public sealed class ClassNotPartialTests
{
    [Fact]
    public Task Fires_on_a_class_that_is_not_partial() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            [Factorize]
            public class {|DWF001:Net|} : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);

    [Fact]
    public Task Fires_on_a_partial_class_whose_containing_type_is_not_partial() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            public static class Models
            {
                [Factorize]
                public partial class {|DWF001:Net|} : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(4, 2);
                    public Net() : base(nameof(Net)) => RegisterComponents();
                    public override Tensor forward(Tensor x) => fc.call(x);
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_class_and_its_containing_types_are_partial() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            public static partial class Models
            {
                [Factorize]
                public partial class Net : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(4, 2);
                    public Net() : base(nameof(Net)) => RegisterComponents();
                    public override Tensor forward(Tensor x) => fc.call(x);
                }

                public class NotFactorized : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(4, 2);
                    public NotFactorized() : base(nameof(NotFactorized)) => RegisterComponents();
                    public override Tensor forward(Tensor x) => fc.call(x);
                }
            }
            """);
}
