using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Analyzers.CodeFixes;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers.CodeFixes;

/// <summary>DWF009 fix: call RegisterComponents() at the end of each constructor.</summary>
public sealed class AddRegisterComponentsCallCodeFixTests
{
    [Fact]
    public Task Appends_the_call_to_block_and_expression_bodied_constructors() =>
        CodeFixVerifier<FactorizedClassAnalyzer, AddRegisterComponentsCallCodeFixProvider>.VerifyAsync(
            """
            [Factorize]
            public partial class {|DWF009:Net|} : Module<Tensor, Tensor>
            {
                private Linear fc = Linear(4, 2);

                public Net() : this(nameof(Net)) { }

                public Net(string name) : base(name)
                {
                    fc = Linear(4, 2);
                }

                public Net(int features) : base(nameof(Net)) => fc = Linear(features, 2);

                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """,
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private Linear fc = Linear(4, 2);

                public Net() : this(nameof(Net)) { }

                public Net(string name) : base(name)
                {
                    fc = Linear(4, 2);
                    RegisterComponents();
                }

                public Net(int features) : base(nameof(Net))
                {
                    fc = Linear(features, 2);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);

    [Fact]
    public Task Fixes_every_class_in_the_document() =>
        CodeFixVerifier<FactorizedClassAnalyzer, AddRegisterComponentsCallCodeFixProvider>.VerifyAsync(
            """
            [Factorize]
            public partial class {|DWF009:Encoder|} : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Encoder() : base(nameof(Encoder)) { }
                public override Tensor forward(Tensor x) => fc.call(x);
            }

            [Factorize]
            public partial class {|DWF009:Decoder|} : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(2, 4);
                public Decoder() : base(nameof(Decoder)) { base.RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """,
            """
            [Factorize]
            public partial class Encoder : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Encoder() : base(nameof(Encoder)) { RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.call(x);
            }

            [Factorize]
            public partial class Decoder : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(2, 4);
                public Decoder() : base(nameof(Decoder)) { base.RegisterComponents(); RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);
}
