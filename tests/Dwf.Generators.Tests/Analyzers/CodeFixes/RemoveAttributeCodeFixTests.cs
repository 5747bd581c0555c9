using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Analyzers.CodeFixes;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers.CodeFixes;

/// <summary>DWF006, DWF011, DWF012 fixes: remove the offending attribute, keeping comments and layout.</summary>
public sealed class RemoveAttributeCodeFixTests
{
    [Fact]
    public Task DWF006_removes_Factorize_from_fields_that_cannot_be_factorized() =>
        CodeFixVerifier<FieldAttributeAnalyzer, RemoveAttributeCodeFixProvider>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);

                /// <summary>Normalizes the features.</summary>
                [{|DWF006:Factorize|}]
                private readonly BatchNorm1d norm = BatchNorm1d(2);
                [{|DWF006:Factorize(Depth = 4)|}, Obsolete] private readonly ReLU act = ReLU();
                [Obsolete, {|DWF006:Factorize|}] private readonly Dropout drop = Dropout();
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """,
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);

                /// <summary>Normalizes the features.</summary>
                private readonly BatchNorm1d norm = BatchNorm1d(2);
                [Obsolete] private readonly ReLU act = ReLU();
                [Obsolete] private readonly Dropout drop = Dropout();
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);

    [Fact]
    public Task DWF011_removes_Dense_and_keeps_Factorize() =>
        CodeFixVerifier<FieldAttributeAnalyzer, RemoveAttributeCodeFixProvider>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                [{|DWF011:Dense|}, Factorize(Depth = 4)] private readonly Linear fc = Linear(4, 4);
                [Factorize]
                [{|DWF011:Dwf.Dense|}]
                private readonly Linear head = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => head.call(fc.call(x));
            }
            """,
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                [Factorize(Depth = 4)] private readonly Linear fc = Linear(4, 4);
                [Factorize]
                private readonly Linear head = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => head.call(fc.call(x));
            }
            """);

    [Fact]
    public Task DWF012_removes_the_attribute_from_a_property_and_a_static_field() =>
        CodeFixVerifier<FieldAttributeAnalyzer, RemoveAttributeCodeFixProvider>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                [field: {|DWF012:Factorize|}]
                public Linear Head { get; } = Linear(2, 2);
                [{|DWF012:Dense|}] private static readonly Linear Shared = Linear(2, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => Head.call(fc.call(x));
            }
            """,
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Linear Head { get; } = Linear(2, 2);
                private static readonly Linear Shared = Linear(2, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => Head.call(fc.call(x));
            }
            """);
}
