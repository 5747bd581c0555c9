using System.Collections.Generic;

namespace Dwf.Generators.Tests.Generator;

/// <summary>Valid inputs with their expected generated file (hint name) and snapshot name.</summary>
public static class SnapshotCases
{
    private const string Usings = """
        using Dwf;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        using static TorchSharp.torch.nn.functional;

        """;

    public static IEnumerable<object[]> All()
    {
        foreach (var name in Cases.Keys)
        {
            yield return new object[] { name };
        }
    }

    /// <summary>Name → (hint name of the file to snapshot, sources).</summary>
    public static readonly IReadOnlyDictionary<string, (string HintName, (string Path, string Text)[] Sources)> Cases =
        new Dictionary<string, (string, (string, string)[])>
        {
            ["Mlp"] = ("Models.Mlp.g.cs", new[]
            {
                ("Mlp.cs", Usings + """
                namespace Models;

                [Factorize(Depth = 3, Lambda = 1e-4)]
                public partial class Mlp : Module<Tensor, Tensor>
                {
                    private readonly Linear fc1 = Linear(784, 300), fc2 = Linear(300, 100);
                    [Factorize(Depth = 4)] private readonly Linear fc3 = Linear(100, 100);
                    [Dense] private readonly Linear head = Linear(100, 10);

                    public Mlp() : base(nameof(Mlp)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => head.call(relu(fc3.call(relu(fc2.call(relu(fc1.call(x)))))));
                }
                """),
            }),
            ["TargetCompression"] = ("Models.Targeted.g.cs", new[]
            {
                ("Targeted.cs", Usings + """
                namespace Models;

                [Factorize(Depth = 3, TargetCompression = 100)]
                public partial class Targeted : Module<Tensor, Tensor>
                {
                    private readonly Linear fc1 = Linear(784, 300), fc2 = Linear(300, 10);
                    [Factorize(Lambda = 1e-3)] private readonly Linear extra = Linear(10, 10);

                    public Targeted() : base(nameof(Targeted)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => extra.call(fc2.call(relu(fc1.call(x))));
                }
                """),
            }),
            ["DefaultOptions"] = ("Models.Plain.g.cs", new[]
            {
                ("Plain.cs", Usings + """
                namespace Models
                {
                    [Factorize]
                    internal partial class Plain : Module<Tensor, Tensor>
                    {
                        private readonly Module<Tensor, Tensor> body = Linear(4, 4);

                        public Plain() : base("plain") => RegisterComponents();

                        public override Tensor forward(Tensor x) => body.call(x);
                    }
                }
                """),
            }),
            ["AllOptions"] = ("Models.Tuned.g.cs", new[]
            {
                ("Tuned.cs", Usings + """
                namespace Models;

                [Factorize(Depth = 4, Lambda = 0.00025, FactorizeBias = true, InitTruncation = 0.5, InitStd = InitStd.Fixed, InitStdValue = 0.05, InitVarianceCorrection = false, LambdaScaling = LambdaScaling.FanIn)]
                public partial class Tuned : Module<Tensor, Tensor>
                {
                    [Factorize(Depth = 2, Lambda = 1, InitStd = InitStd.He)] private readonly Conv2d conv = Conv2d(3, 8, 3);
                    [Factorize(InitStd = InitStd.LayerDefault)] private readonly Embedding embedding = Embedding(10, 8);
                    [Factorize] private readonly Parameter scale = new Parameter(ones(8));

                    public Tuned() : base(nameof(Tuned)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => conv.call(x).mul(scale);
                }
                """),
            }),
            ["NestedGeneric"] = ("Models.Zoo`1+Cell`1.g.cs", new[]
            {
                ("Zoo.cs", Usings + """
                namespace Models;

                public static partial class Zoo<TTag>
                {
                    [Factorize(Depth = 2)]
                    public sealed partial class Cell<TInput> : Module<TInput, Tensor>
                        where TInput : Tensor
                    {
                        private readonly Linear proj = Linear(8, 8);

                        public Cell() : base(nameof(Cell<TInput>)) => RegisterComponents();

                        public override Tensor forward(TInput x) => proj.call(x);
                    }
                }
                """),
            }),
            ["ContainingStructAndInterface"] = ("Models.IShapes`1+Holder+Net.g.cs", new[]
            {
                ("Shapes.cs", Usings + """
                namespace Models;

                public partial interface IShapes<T>
                {
                    public partial record struct Holder(int Size)
                    {
                        [Factorize]
                        public partial class Net : Module<Tensor, Tensor>
                        {
                            private readonly Linear fc = Linear(2, 2);

                            public Net() : base(nameof(Net)) => RegisterComponents();

                            public override Tensor forward(Tensor x) => fc.call(x);
                        }
                    }
                }
                """),
            }),
            ["GlobalNamespace"] = ("TopLevelNet.g.cs", new[]
            {
                ("TopLevelNet.cs", Usings + """
                [Factorize(Lambda = 2.5e-5)]
                public partial class TopLevelNet : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(2, 2);

                    public TopLevelNet() : base(nameof(TopLevelNet)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => fc.call(x);
                }
                """),
            }),
            ["SplitPartial"] = ("Models.Split.g.cs", new[]
            {
                ("Split.Layers.cs", Usings + """
                namespace Models;

                [Factorize(Depth = 3)]
                public partial class Split
                {
                    private readonly Linear encoder = Linear(8, 4);
                    [Dense] private readonly Linear decoder = Linear(4, 8);
                }
                """),
                ("Split.Forward.cs", Usings + """
                namespace Models;

                public partial class Split : Module<Tensor, Tensor>
                {
                    [Factorize(Depth = 5)] private readonly Linear bottleneck = Linear(4, 4);

                    public Split() : base(nameof(Split)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => decoder.call(bottleneck.call(encoder.call(x)));
                }
                """),
            }),
            ["MultiInput"] = ("Models.Pair.g.cs", new[]
            {
                ("Pair.cs", Usings + """
                namespace Models;

                [Factorize]
                public partial class Pair : Module<Tensor, Tensor, Tensor>
                {
                    private readonly Bilinear mix = Bilinear(4, 4, 2);

                    public Pair() : base(nameof(Pair)) => RegisterComponents();

                    public override Tensor forward(Tensor left, Tensor right) => mix.call(left, right);
                }
                """),
            }),
            ["ComponentName"] = ("Models.Renamed.g.cs", new[]
            {
                ("Renamed.cs", Usings + """
                using TorchSharp.Utils;

                namespace Models;

                [Factorize]
                public partial class Renamed : Module<Tensor, Tensor>
                {
                    [ComponentName(Name = "classifier")]
                    [Dense] private readonly Linear _head = Linear(4, 2);
                    [ComponentName(Name = "trunk")]
                    [Factorize(Depth = 2)] private readonly Linear _body = Linear(4, 4);

                    public Renamed() : base(nameof(Renamed)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => _head.call(_body.call(x));
                }
                """),
            }),
            ["KeywordIdentifiers"] = ("event.record.Outer`1+class.g.cs", new[]
            {
                ("Keywords.cs", Usings + """
                namespace @event.record;

                public partial class Outer<@int>
                {
                    [Factorize]
                    public partial class @class : Module<Tensor, Tensor>
                    {
                        private readonly Linear @base = Linear(2, 2);

                        public @class() : base("class") => RegisterComponents();

                        public override Tensor forward(Tensor x) => @base.call(x);
                    }
                }
                """),
            }),
            ["DerivedFromPlainModule"] = ("Models.Derived.g.cs", new[]
            {
                ("Derived.cs", Usings + """
                namespace Models;

                public abstract class Backbone : Module<Tensor, Tensor>
                {
                    protected readonly Linear stem = Linear(8, 8);

                    protected Backbone(string name) : base(name) { }
                }

                [Factorize(Depth = 3)]
                public partial class Derived : Backbone
                {
                    [Dense] private readonly Linear head = Linear(8, 2);

                    public Derived() : base(nameof(Derived)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => head.call(stem.call(x));
                }
                """),
            }),
            ["DerivedFromFactorized"] = ("Models.Wide.g.cs", new[]
            {
                ("Narrow.cs", Usings + """
                namespace Models;

                [Factorize(Depth = 4, Lambda = 0.001)]
                public partial class Narrow : Module<Tensor, Tensor>
                {
                    [Dense] protected readonly Linear head = Linear(8, 2);
                    [Factorize(Depth = 2)] protected readonly Linear stem = Linear(8, 8);

                    public Narrow() : this(nameof(Narrow)) { }

                    protected Narrow(string name) : base(name) => RegisterComponents();

                    public override Tensor forward(Tensor x) => head.call(stem.call(x));
                }
                """),
                ("Wide.cs", Usings + """
                namespace Models;

                [Factorize(Lambda = 0.01)]
                public sealed partial class Wide : Narrow
                {
                    [Dense] private readonly Linear extra = Linear(8, 8);
                    [Factorize(Depth = 3)] private readonly Linear side = Linear(8, 8);

                    public Wide() : base(nameof(Wide)) { }

                    public override Tensor forward(Tensor x) => head.call(side.call(extra.call(stem.call(x))));
                }
                """),
            }),
        };
}
