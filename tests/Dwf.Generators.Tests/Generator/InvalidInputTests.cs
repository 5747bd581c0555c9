using System.Collections.Generic;
using Dwf.Generators.Tests.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Generator;

/// <summary>
/// Invalid input gives no output, no exception and no generator diagnostic: the analyzers explain it. Each
/// case differs from a valid class in one respect (the control case proves the template itself is valid).
/// </summary>
public sealed class InvalidInputTests
{
    private const string Usings = """
        using Dwf;
        using TorchSharp;
        using TorchSharp.Modules;
        using TorchSharp.Utils;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    private static string Net(string attribute = "[Factorize]", string modifiers = "public partial", string baseType = "Module<Tensor, Tensor>", string members = "") => Usings + $$"""
        namespace Models;

        {{attribute}}
        {{modifiers}} class Net : {{baseType}}
        {
            private readonly Linear fc = Linear(2, 2);
            {{members}}

            public Net() : base(nameof(Net)) => RegisterComponents();

            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    public static IEnumerable<object[]> Cases()
    {
        yield return Case("not partial", Net(modifiers: "public"));
        yield return Case("containing type not partial", Usings + """
            namespace Models;

            public static class Outer
            {
                [Factorize]
                public partial class Net : Module<Tensor, Tensor>
                {
                    public Net() : base(nameof(Net)) => RegisterComponents();
                    public override Tensor forward(Tensor x) => x;
                }
            }
            """);
        yield return Case("not a TorchSharp module", Usings + """
            namespace Models;

            [Factorize]
            public partial class Net
            {
                private readonly Linear fc = Linear(2, 2);
            }
            """);
        yield return Case("file-local class", Usings + """
            namespace Models;

            [Factorize]
            file partial class Net : Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => x;
            }
            """);
        yield return Case("Depth below 2", Net("[Factorize(Depth = 1)]"));
        yield return Case("negative Lambda", Net("[Factorize(Lambda = -1e-3)]"));
        yield return Case("NaN Lambda", Net("[Factorize(Lambda = double.NaN)]"));
        yield return Case("infinite Lambda", Net("[Factorize(Lambda = double.PositiveInfinity)]"));
        yield return Case("InitTruncation out of range", Net("[Factorize(InitTruncation = 2.0)]"));
        yield return Case("InitStdValue not positive", Net("[Factorize(InitStd = InitStd.Fixed, InitStdValue = 0)]"));
        yield return Case("InitStd Fixed without a value", Net("[Factorize(InitStd = InitStd.Fixed)]"));
        yield return Case("TargetCompression of 1", Net("[Factorize(TargetCompression = 1)]"));
        yield return Case("TargetCompression with Lambda", Net("[Factorize(Lambda = 3e-4, TargetCompression = 100)]"));
        yield return Case("TargetCompression on a field", Net(members: "[Factorize(TargetCompression = 100)] private readonly Linear other = Linear(2, 2);"));
        yield return Case("LambdaScaling on a field", Net(members: "[Factorize(LambdaScaling = LambdaScaling.FanIn)] private readonly Linear other = Linear(2, 2);"));
        yield return Case("LambdaScaling not a member", Net("[Factorize(LambdaScaling = (LambdaScaling)5)]"));
        yield return Case("field Fixed without a value", Net(members: "[Factorize(InitStd = InitStd.Fixed)] private readonly Linear other = Linear(2, 2);"));
        yield return Case("InitStd not a member", Net("[Factorize(InitStd = (InitStd)7)]"));
        yield return Case("field-level Depth below 2", Net(members: "[Factorize(Depth = 0)] private readonly Linear other = Linear(2, 2);"));
        yield return Case("Dense and Factorize on one field", Net(members: "[Dense, Factorize] private readonly Linear other = Linear(2, 2);"));
        yield return Case("Factorize on a field that cannot hold a layer", Net(members: "[Factorize] private readonly int width = 2;"));
        yield return Case("two fields registered under one name", Net(members: """
            [ComponentName(Name = "x")] [Dense] private readonly Linear a = Linear(2, 2);
            [ComponentName(Name = "x")] [Dense] private readonly Linear b = Linear(2, 2);
            """));
        yield return Case("declares Penalty", Net(members: "public Tensor Penalty() => zeros(1);"));
        yield return Case("declares a Sparsity overload", Net(members: "public int Sparsity(int level) => level;"));
        yield return Case("declares FactorizationPlan", Net(members: "private int FactorizationPlan => 1;"));
        yield return Case("overrides RegisterComponents", Net(members: "protected override void RegisterComponents() => base.RegisterComponents();"));
        yield return Case("inherits a visible Collapse", Usings + """
            namespace Models;

            public abstract class Base : Module<Tensor, Tensor>
            {
                protected Base(string name) : base(name) { }
                public void Collapse() { }
            }
            """ + "\n" + Net(baseType: "Base").Replace(Usings, string.Empty, System.StringComparison.Ordinal));
        yield return Case("inherits a sealed RegisterComponents", Usings + """
            namespace Models;

            public abstract class Base : Module<Tensor, Tensor>
            {
                protected Base(string name) : base(name) { }
                protected sealed override void RegisterComponents() => base.RegisterComponents();
            }
            """ + "\n" + Net(baseType: "Base").Replace(Usings, string.Empty, System.StringComparison.Ordinal));
        yield return Case("derives from an invalid [Factorize] class", Usings + """
            namespace Models;

            [Factorize(Depth = 1)]
            public partial class Base : Module<Tensor, Tensor>
            {
                protected Base(string name) : base(name) { }
                public override Tensor forward(Tensor x) => x;
            }
            """ + "\n" + Net(baseType: "Base").Replace(Usings, string.Empty, System.StringComparison.Ordinal).Replace("public override Tensor forward", "public new Tensor forward", System.StringComparison.Ordinal));
        yield return Case("syntax errors in the attribute", Net("[Factorize(Depth = )]"));
        yield return Case("unknown argument", Net("[Factorize(Deep = 3)]"));
        yield return Case("argument of the wrong type", Net("[Factorize(Depth = \"three\")]"));
        yield return Case("type parameter without a name", Net(modifiers: "public partial").Replace("class Net :", "class Net<> :", System.StringComparison.Ordinal));
        yield return Case("enclosing type parameter without a name", Usings + """
            namespace Models;

            public partial class Outer<T, >
            {
                [Factorize]
                public partial class Net : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(2, 2);
                    public Net() : base(nameof(Net)) => RegisterComponents();
                    public override Tensor forward(Tensor x) => fc.call(x);
                }
            }
            """);
        yield return Case("namespace without a name", Net().Replace("namespace Models;", "namespace Models.;", System.StringComparison.Ordinal));
        yield return Case("attribute on a struct", Usings + """
            namespace Models;

            [Factorize]
            public partial struct Net { }
            """);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_input_produces_nothing(string description, string source)
    {
        var (_, result, _) = GeneratorHarness.Run(TestCompilation.Create(source));

        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.True(result.GeneratedSources.IsEmpty, $"Generated code for invalid input: {description}");
    }

    [Fact]
    public void The_template_of_the_invalid_cases_is_itself_valid()
    {
        var (_, result, output) = GeneratorHarness.Run(TestCompilation.Create(Net(members: "[Dense] private readonly Linear other = Linear(2, 2);")));

        Assert.Single(result.GeneratedSources);
        Assert.Empty(TestCompilation.WarningsAndErrors(output));
    }

    private static object[] Case(string description, string source) => new object[] { description, source };
}
