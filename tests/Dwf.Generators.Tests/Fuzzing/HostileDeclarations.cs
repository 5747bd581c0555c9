namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Declarations appended to a file by <see cref="SourceMutator"/>: [Factorize] on every kind of type and in
/// every odd place, reserved names, bases the generator must not extend, nullable contexts, duplicates.
/// </summary>
/// <remarks>
/// Not included: declarations that shadow the Dwf runtime's own types (a source <c>Dwf.Factorization</c>)
/// or TorchSharp's, which the generated code names with <c>global::</c>; nothing can compile against a
/// replaced runtime, and that is not the generator's to detect.
/// </remarks>
internal static class HostileDeclarations
{
    public static readonly string[] All =
    {
        """
        [Factorize] public partial record Rec(int Width) : Module<Tensor, Tensor>("rec") { public override Tensor forward(Tensor x) => x; }
        """,
        """
        [Factorize] public partial class FromParameter<T> : T where T : Module<Tensor, Tensor> { }
        """,
        """
        [Factorize] public partial class FromLinear : TorchSharp.Modules.Linear { }
        """,
        """
        [Factorize] public static partial class StaticNet { }
        """,
        """
        [Factorize] public partial interface IFactorized { }
        """,
        """
        [Factorize] public enum Layers { A, [Dense] B }
        """,
        """
        [Factorize] public delegate Tensor Forward([Dense] Tensor x);
        """,
        """
        [Factorize] public partial struct Value { [Factorize] private readonly Linear fc; }
        """,
        """
        [Factorize]
        public abstract partial class AbstractNet : Module<Tensor, Tensor>
        {
            protected AbstractNet() : base("abstract") { }
        }

        [Factorize(Depth = 4)]
        public sealed partial class ConcreteNet : AbstractNet
        {
            private readonly TorchSharp.Modules.Linear fc = Linear(2, 2);

            public ConcreteNet() => RegisterComponents();

            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """,
        """
        [Factorize]
        public partial class ReservedNames : Module<Tensor, Tensor>
        {
            public int Factorization;
            private readonly TorchSharp.Modules.Linear dwf_factors = Linear(2, 2);
            private static int __dwfPlan;
            public void Collapse() { }
            public ReservedNames() : base("r") => RegisterComponents();
            public override Tensor forward(Tensor x) => x;
        }
        """,
        """
        #nullable disable
        [Factorize(Lambda = 1e-3)]
        internal partial class Oblivious : Module<Tensor, Tensor>
        {
            private readonly TorchSharp.Modules.Linear fc = Linear(2, 2);
            internal Oblivious() : base(null) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        #nullable restore
        """,
        """
        public static class Holder
        {
            public static void Method()
            {
                [Factorize] static void Local() { }
                var lambda = [Factorize] (int x) => x;
            }
        }
        """,
        """
        [Factorize(Depth = 2)]
        public partial class TwoParts : Module<Tensor, Tensor>
        {
            private readonly TorchSharp.Modules.Linear a = Linear(2, 2);
            public TwoParts() : base("two") => RegisterComponents();
        }

        [Factorize(Depth = 5)]
        public partial class TwoParts
        {
            [Dense] private readonly TorchSharp.Modules.Linear b = Linear(2, 2);
            public override Tensor forward(Tensor x) => b.call(a.call(x));
        }
        """,
        """
        [Factorize]
        public partial class Outer
        {
            [Factorize(Depth = 3)]
            protected internal sealed partial class Inner<TIn, TOut> : Module<TIn, TOut>
            {
                private readonly TorchSharp.Modules.Linear fc = Linear(2, 2);
                public Inner() : base("inner") => RegisterComponents();
                public override TOut forward(TIn x) => default!;
            }
        }
        """,
        """
        [Factorize(InitStd = InitStd.Fixed, InitStdValue = 1e-300, InitTruncation = 1.9999999999999998, Lambda = 1.7976931348623157E+308)]
        public partial class Extremes : Module<Tensor, Tensor>
        {
            [Factorize(Depth = 2147483647, Lambda = 5e-324)] private readonly TorchSharp.Modules.Linear fc = Linear(2, 2);
            public Extremes() : base("e") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """,
        """
        [Factorize]
        public partial class Unicode\u00C9t\u00E9 : Module<Tensor, Tensor>
        {
            [TorchSharp.Utils.ComponentName(Name = "\u00FCber\u0000\n\"x\"")] [Dense] private readonly TorchSharp.Modules.Linear \u0066c = Linear(2, 2);
            private readonly TorchSharp.Modules.Linear f\u0301 = Linear(2, 2);
            public Unicode\u00C9t\u00E9() : base("u") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """,
        """
        [Factorize]
        public partial class Properties : Module<Tensor, Tensor>
        {
            [field: Dense] public TorchSharp.Modules.Linear Head { get; } = Linear(2, 2);
            [field: Factorize(Depth = 2)] public TorchSharp.Modules.Linear Body { get; set; } = Linear(2, 2);
            public Properties() : base("p") => RegisterComponents();
            public override Tensor forward(Tensor x) => Head.call(Body.call(x));
        }
        """,
    };
}
