using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF009: no constructor of a [Factorize] class calls RegisterComponents().</summary>
public sealed class RegisterComponentsNotCalledTests
{
    private static string Net(string name, string constructors) => $$"""
        [Factorize]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 2);
        {{constructors}}
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    [Theory]
    [InlineData("public Net() : base(nameof(Net)) { }")]
    [InlineData("public Net() : base(nameof(Net)) { base.RegisterComponents(); }")] // bypasses the generated override
    [InlineData("public Net() : base(nameof(Net)) { Action later = () => RegisterComponents(); }")] // may never run
    [InlineData("public Net() : base(nameof(Net)) { } public Net(string name) : base(name) { }")]
    public Task Fires_when_no_constructor_calls_RegisterComponents(string constructors) =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync(Net("{|DWF009:Net|}", constructors));

    [Theory]
    [InlineData("public Net() : base(nameof(Net)) => RegisterComponents();")]
    [InlineData("public Net() : base(nameof(Net)) { this.RegisterComponents(); }")]
    [InlineData("public Net() : this(nameof(Net)) { } public Net(string name) : base(name) { RegisterComponents(); }")]
    public Task Silent_when_a_constructor_calls_RegisterComponents(string constructors) =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync(Net("Net", constructors));

    [Fact]
    public Task Silent_on_an_abstract_class_whose_derived_classes_call_it() =>
        AnalyzerVerifier<FactorizedClassAnalyzer>.VerifyAsync("""
            [Factorize]
            public abstract partial class Net : Module<Tensor, Tensor>
            {
                protected readonly Linear fc = Linear(4, 2);
                protected Net(string name) : base(name) { }
            }
            """);
}
