using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF002: a [Factorize] class does not derive from torch.nn.Module.</summary>
public sealed class ClassNotModuleTests
{
    [Fact]
    public Task Fires_on_a_class_that_is_not_a_module() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            [Factorize]
            public partial class {|DWF002:Trainer|}
            {
                private readonly Linear fc = Linear(4, 2);
            }
            """);

    [Fact]
    public Task Silent_on_a_module_derived_through_a_user_base_class() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            public abstract class Backbone : Module<Tensor, Tensor>
            {
                protected Backbone(string name) : base(name) { }
            }

            [Factorize]
            public partial class Net : Backbone
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);
}
