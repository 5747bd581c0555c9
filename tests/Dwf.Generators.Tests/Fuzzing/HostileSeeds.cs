using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// Seeds written for the fuzzer: code that makes every analyzer rule and code fix fire, and shapes of input
/// that ordinary models never have (look-alike attribute types, cyclic inheritance, deep nesting, type
/// names that differ only in case, hundreds of attributed fields). Mutations start from these too.
/// </summary>
internal static class HostileSeeds
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using Dwf;
        using TorchSharp;
        using TorchSharp.Modules;
        using TorchSharp.Utils;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    public static IReadOnlyList<FuzzInput> All { get; } = new[]
    {
        FuzzInput.Of("hostile: every rule", ("Tour.cs", Usings + """
            namespace Tour;

            [Factorize(Depth = 9, Lambda = -1e-3, InitStdValue = 0.5)]
            public class NotPartial : Module<Tensor, Tensor>
            {
                [Factorize] private readonly BatchNorm1d norm = BatchNorm1d(4);
                [Dense, Factorize] private readonly Linear both = Linear(4, 4);
                [field: Factorize] public Linear Prop { get; } = Linear(4, 4);
                [Factorize] private static Linear shared = Linear(4, 4);
                [ComponentName(Name = "dwf_factors")] private readonly Linear store = Linear(4, 4);

                public NotPartial() : base("n") { }

                public Tensor Penalty() => zeros(1);

                public override Tensor forward(Tensor x) => both.call(norm.call(store.call(x)));
            }

            [Factorize(Depth = 1, InitStd = InitStd.Fixed)]
            public partial class TooShallow : Module<Tensor, Tensor>
            {
                [Dense] private readonly Linear head = Linear(2, 2);

                public TooShallow() : base("t") => RegisterComponents();

                public override Tensor forward(Tensor x) => head.call(x);
            }

            [Factorize(InitTruncation = 2.5, InitStd = (InitStd)7)]
            public partial class NotAModule
            {
            }

            public class Plain : Module<Tensor, Tensor>
            {
                [Dense] private readonly Linear fc = Linear(2, 2);
                [Factorize(Lambda = double.NaN)] private readonly Linear fc2 = Linear(2, 2);

                public Plain() : base("p") => RegisterComponents();

                public override Tensor forward(Tensor x) => fc2.call(fc.call(x));
            }

            [Factorize(Depth = 3)]
            public sealed partial class Good : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(2, 2);
                [Factorize(InitStd = InitStd.Fixed, InitStdValue = 0.05)] private readonly Embedding embedding = Embedding(4, 2);

                public Good() : base("g") => RegisterComponents();

                public Good(int width) : base("g" + width) { }

                public override Tensor forward(Tensor x) => fc.call(x);
            }

            public static class Training
            {
                public static void Train(Good model)
                {
                    using var sgd = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                    using var adam = torch.optim.AdamW(model.parameters(), lr: 1e-3, beta1: 0.8);
                    using var other = torch.optim.Adagrad(model.parameters());
                    using var named = new TorchSharp.Modules.SGD(model.named_parameters(), 0.1);
                }
            }
            """)),
        FuzzInput.Of("hostile: look-alike attribute types in source", ("LookAlike.cs", """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            namespace Dwf
            {
                [System.AttributeUsage(System.AttributeTargets.All, AllowMultiple = true)]
                public sealed class FactorizeAttribute : System.Attribute
                {
                    public FactorizeAttribute() { }
                    public FactorizeAttribute(params object[] values) => Values = values;
                    public object[]? Values { get; }
                    public int[]? Depth { get; set; }
                    public string? Lambda { get; set; }
                    public object? InitStd { get; set; }
                    public System.Type? InitStdValue { get; set; }
                    public double[]? InitTruncation { get; set; }
                }

                [System.AttributeUsage(System.AttributeTargets.All)]
                public sealed class DenseAttribute : System.Attribute
                {
                    public DenseAttribute(string[] names) => Names = names;
                    public string[] Names { get; }
                }
            }

            namespace TorchSharp.Utils
            {
                public sealed class ComponentNameAttribute : System.Attribute
                {
                    public string[]? Name { get; set; }
                }
            }

            namespace Models
            {
                using Dwf;
                using TorchSharp.Utils;

                [Factorize(1, "two", Depth = new[] { 3 }, Lambda = "1e-3", InitStd = new object[] { 1 }, InitStdValue = typeof(int), InitTruncation = new[] { 0.5 })]
                [Factorize(Depth = new int[0])]
                public partial class Net : Module<Tensor, Tensor>
                {
                    [Factorize(Depth = new[] { 2 })] private readonly Linear fc = Linear(2, 2);
                    [Dense(new[] { "a" }), ComponentName(Name = new[] { "x" })] private readonly Linear head = Linear(2, 2);

                    public Net() : base(nameof(Net)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => head.call(fc.call(x));
                }
            }
            """)),
        FuzzInput.Of("hostile: cyclic inheritance", ("Cycle.cs", Usings + """
            namespace Models;

            [Factorize]
            public partial class A : B
            {
                private readonly Linear fc = Linear(2, 2);
            }

            [Factorize(Depth = 3)]
            public partial class B : C
            {
            }

            public partial class C : A
            {
            }

            [Factorize]
            public partial class Self : Self
            {
            }

            [Factorize]
            public partial class Generic<T> : Generic<Generic<T>>
            {
            }
            """)),
        FuzzInput.Of("hostile: type names that differ only in case", ("Case.cs", Usings + """
            namespace Models;

            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(2, 2);

                public Net() : base(nameof(Net)) => RegisterComponents();

                public override Tensor forward(Tensor x) => fc.call(x);
            }

            [Factorize(Depth = 4)]
            public partial class NET : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(2, 2);

                public NET() : base(nameof(NET)) => RegisterComponents();

                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """)),
        FuzzInput.Of("hostile: deep generic nesting", ("Deep.cs", Usings + "namespace Models;\n\n" + DeepNesting(24))),
        FuzzInput.Of("hostile: many attributed fields", ("Wide.cs", Usings + "namespace Models;\n\n" + ManyFields(150))),
        FuzzInput.Of("hostile: no Dwf usings, fully qualified names", ("Qualified.cs", """
            [global::Dwf.Factorize(Depth = 2, Lambda = 0.5e-3, InitStd = global::Dwf.InitStd.He, FactorizeBias = true, InitVarianceCorrection = false)]
            internal sealed partial class Qualified : global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>
            {
                [global::Dwf.Dense, global::TorchSharp.Utils.ComponentName(Name = "out")]
                private readonly global::TorchSharp.Modules.Linear head = global::TorchSharp.torch.nn.Linear(2, 2);
                private readonly global::TorchSharp.Modules.Linear body = global::TorchSharp.torch.nn.Linear(2, 2);

                internal Qualified() : base("q") => this.RegisterComponents();

                public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor x) => head.call(body.call(x));
            }
            """)),
    };

    /// <summary>A [Factorize] class inside <paramref name="depth"/> enclosing generic partial classes.</summary>
    private static string DeepNesting(int depth)
    {
        var text = new StringBuilder();
        for (int i = 0; i < depth; i++)
        {
            text.Append(' ', i * 4).Append($"public partial class Level{i}<T{i}>\n").Append(' ', i * 4).Append("{\n");
        }

        string indent = new(' ', depth * 4);
        text.Append(indent).Append("[Factorize(Depth = 2)]\n")
            .Append(indent).Append("public partial class Core : Module<Tensor, Tensor>\n")
            .Append(indent).Append("{\n")
            .Append(indent).Append("    private readonly Linear fc = Linear(2, 2);\n")
            .Append(indent).Append("    public Core() : base(nameof(Core)) => RegisterComponents();\n")
            .Append(indent).Append("    public override Tensor forward(Tensor x) => fc.call(x);\n")
            .Append(indent).Append("}\n");
        for (int i = depth - 1; i >= 0; i--)
        {
            text.Append(' ', i * 4).Append("}\n");
        }

        return text.ToString();
    }

    /// <summary>A [Factorize] class with <paramref name="count"/> fields, alternately [Dense], field-level [Factorize] and plain.</summary>
    private static string ManyFields(int count)
    {
        var fields = Enumerable.Range(0, count).Select(i => (i % 3) switch
        {
            0 => $"    [Dense] private readonly Linear dense{i} = Linear(2, 2);",
            1 => $"    [Factorize(Depth = {2 + (i % 5)}, Lambda = {i}e-5)] private readonly Linear factorized{i} = Linear(2, 2);",
            _ => $"    private readonly Linear plain{i} = Linear(2, 2);",
        });
        return "[Factorize(Depth = 3)]\npublic partial class ManyFields : Module<Tensor, Tensor>\n{\n"
            + string.Join("\n", fields)
            + "\n\n    public ManyFields() : base(nameof(ManyFields)) => RegisterComponents();\n\n    public override Tensor forward(Tensor x) => x;\n}\n";
    }
}
