using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Analyzers.CodeFixes;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers.CodeFixes;

/// <summary>DWF001 fix: add <c>partial</c> to the class and every containing type that lacks it.</summary>
public sealed class MakePartialCodeFixTests
{
    [Fact]
    public Task Adds_partial_before_the_class_keyword() =>
        CodeFixVerifier<FactorizedClassAnalyzer, MakePartialCodeFixProvider>.VerifyAsync(
            """
            /// <summary>A small network.</summary>
            [Factorize]
            public sealed class {|DWF001:Net|} : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """,
            """
            /// <summary>A small network.</summary>
            [Factorize]
            public sealed partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """);

    [Fact]
    public Task Adds_partial_to_a_class_without_modifiers_and_to_all_containing_types_once() =>
        CodeFixVerifier<FactorizedClassAnalyzer, MakePartialCodeFixProvider>.VerifyAsync(
            """
            public static class Models
            {
                internal class Zoo
                {
                    [Factorize]
                    class {|DWF001:Small|} : Module<Tensor, Tensor>
                    {
                        private readonly Linear fc = Linear(4, 2);
                        public Small() : base(nameof(Small)) => RegisterComponents();
                        public override Tensor forward(Tensor x) => fc.call(x);
                    }

                    [Factorize]
                    public partial class {|DWF001:Large|} : Module<Tensor, Tensor>
                    {
                        private readonly Linear fc = Linear(8, 2);
                        public Large() : base(nameof(Large)) => RegisterComponents();
                        public override Tensor forward(Tensor x) => fc.call(x);
                    }
                }
            }
            """,
            """
            public static partial class Models
            {
                internal partial class Zoo
                {
                    [Factorize]
                    partial class Small : Module<Tensor, Tensor>
                    {
                        private readonly Linear fc = Linear(4, 2);
                        public Small() : base(nameof(Small)) => RegisterComponents();
                        public override Tensor forward(Tensor x) => fc.call(x);
                    }

                    [Factorize]
                    public partial class Large : Module<Tensor, Tensor>
                    {
                        private readonly Linear fc = Linear(8, 2);
                        public Large() : base(nameof(Large)) => RegisterComponents();
                        public override Tensor forward(Tensor x) => fc.call(x);
                    }
                }
            }
            """);
}
