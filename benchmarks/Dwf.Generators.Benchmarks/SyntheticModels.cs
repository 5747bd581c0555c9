using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dwf.Generators.Benchmarks;

/// <summary>
/// A synthetic project of <c>count</c> annotated TorchSharp modules, one per file, shaped like the test
/// models (readonly layer fields, a [Dense] head, a field-level override, a forward method).
/// </summary>
public static class SyntheticModels
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private static readonly MetadataReference[] References =
        Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(FactorizeAttribute).Assembly.Location))
            .ToArray();

    public static string FilePath(int index) => $"Model{index.ToString(CultureInfo.InvariantCulture)}.cs";

    public static string Source(int index, int depth = 3)
    {
        string i = index.ToString(CultureInfo.InvariantCulture);
        string ns = (index % 10).ToString(CultureInfo.InvariantCulture);
        return $$"""
            using Dwf;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            using static TorchSharp.torch.nn.functional;

            namespace Synthetic.Group{{ns}};

            [Factorize(Depth = {{depth.ToString(CultureInfo.InvariantCulture)}}, Lambda = 1e-4)]
            public partial class Model{{i}} : Module<Tensor, Tensor>
            {
                private readonly Conv2d conv = Conv2d(1, 8, 3);
                private readonly Linear fc1 = Linear(8 * 26 * 26, 64);
                [Factorize(Depth = 2)] private readonly Linear fc2 = Linear(64, 32);
                [Dense] private readonly Linear head = Linear(32, 10);

                public Model{{i}}() : base(nameof(Model{{i}})) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var features = relu(conv.call(x)).flatten(1);
                    return head.call(relu(fc2.call(relu(fc1.call(features)))));
                }
            }
            """;
    }

    public static CSharpCompilation Create(int count) =>
        CSharpCompilation.Create(
            "Synthetic",
            Enumerable.Range(0, count).Select(i => CSharpSyntaxTree.ParseText(Source(i), ParseOptions, FilePath(i))),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    /// <summary>The compilation with model 0's file edited (its Depth changed), as after one keystroke-sized edit.</summary>
    public static CSharpCompilation EditFirstModel(CSharpCompilation compilation)
    {
        var tree = compilation.SyntaxTrees.First(t => t.FilePath == FilePath(0));
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Source(0, depth: 4), ParseOptions, FilePath(0)));
    }
}
