using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF018: a module describing its forward (IDescribesGraph) leaves out a layer that forward uses.</summary>
public sealed class GraphDescriptionMissesLayerTests
{
    private static Task Verify(string source, params (int Location, string Field)[] expected) =>
        AnalyzerVerifier<GraphDescriptionAnalyzer>.VerifyAsync(
            "using Dwf.Deployment;\n" + source,
            System.Array.Empty<(string, string)>(),
            System.Array.ConvertAll(expected, e => AnalyzerVerifier<GraphDescriptionAnalyzer>.Diagnostic(Dwf.Analyzers.DiagnosticDescriptors.GraphDescriptionMissesLayer)
                .WithLocation(e.Location).WithArguments(e.Field)));

    [Fact]
    public Task Reports_each_layer_of_forward_the_description_leaves_out() =>
        Verify(
            """
            public sealed class Block : Module<Tensor, Tensor>, IDescribesGraph
            {
                private readonly Conv2d conv = Conv2d(4, 4, 3, padding: 1);
                private readonly BatchNorm2d norm = BatchNorm2d(4);
                private readonly Sequential shortcut = Sequential(Conv2d(4, 4, 1), BatchNorm2d(4));
                private readonly bool residual = true;
                public Block() : base(nameof(Block)) => RegisterComponents();
                public override Tensor forward(Tensor x) => functional.relu(norm.call(conv.call(x)).add(residual ? shortcut.call(x) : x));
                public GraphValue {|#0:DescribeGraph|}(LayerGraphBuilder graph, GraphValue x) => graph.relu(graph.add(graph.call(conv, x), x));
            }
            """,
            (0, "norm"),
            (0, "shortcut"));

    [Fact]
    public Task Silent_when_every_layer_is_described_also_through_helpers_or_without_the_interface() =>
        Verify(
            """
            public sealed class Described : Module<Tensor, Tensor>, IDescribesGraph
            {
                private readonly Conv2d conv = Conv2d(4, 4, 3, padding: 1);
                private readonly BatchNorm2d norm = BatchNorm2d(4);
                public Described() : base(nameof(Described)) => RegisterComponents();
                public override Tensor forward(Tensor x) => functional.relu(Normalized(x));
                public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue x) => graph.relu(DescribeNormalized(graph, x));
                private Tensor Normalized(Tensor x) => norm.call(conv.call(x));
                private GraphValue DescribeNormalized(LayerGraphBuilder graph, GraphValue x) => graph.call(norm, graph.call(conv, x));
            }

            public sealed class NotDescribed : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 4);
                public NotDescribed() : base(nameof(NotDescribed)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
                public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue x) => x;
            }
            """);
}
