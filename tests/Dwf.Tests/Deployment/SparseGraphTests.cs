using System;
using System.Linq;
using Dwf.Deployment;
using Dwf.Tests.Support;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Deployment;

/// <summary>
/// The graph path of <see cref="SparseForward"/> (<see cref="IDescribesGraph"/>): every node kind against the dense
/// eval-mode forward, BatchNorm folded only where the layer's output has no other reader, and the messages for a
/// description that is not the forward or holds something without a graph node. ResNet-20 and the MobileNet-style
/// net on this path are checked in <see cref="SparseForwardTests"/>.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class SparseGraphTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    public void EveryNodeKindMatchesTheDenseForward(int batch)
    {
        using var scope = NewDisposeScope();
        var model = CreateBranchy(931);
        var input = randn(batch, 3, 8, 8);
        using var noGrad = no_grad();
        var expected = model.call(input);

        using var sparse = SparseForward.Create(model, new long[] { 3, 8, 8 });

        Assert.Equal(SparseServingPath.Graph, sparse.Path);
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "graph path");
        Assert.Null(sparse.Layers.Single(l => l.Name == "conv").FoldedNorm); // its output is also added to the norm's
        Assert.Equal("bn2", sparse.Layers.Single(l => l.Name == "conv2").FoldedNorm);
        Assert.Equal("bn_fc", sparse.Layers.Single(l => l.Name == "fc").FoldedNorm);
        var spare = sparse.Layers.Single(l => l.Name == "spare");
        Assert.Equal(SparseLayerStatus.Unused, spare.Status);
        long nonZero = new[] { "conv", "conv2" }.Sum(n => Sparsify.Parameter(model, n + ".weight").count_nonzero().item<long>())
            + Sparsify.Parameter(model, "fc.weight").count_nonzero().item<long>();
        Assert.Equal(nonZero, sparse.NonZeroWeights);
    }

    [Fact]
    public void ATrainedAndCollapsedFactorizedResNetTakesTheGraphPath()
    {
        // The user's path: factorize, train (a few SGD steps, so that weights and norm statistics move), collapse, serve. The graph path reads the collapsed weights through the description.
        using var scope = NewDisposeScope();
        manual_seed(934);
        var model = new Dwf.Samples.Models.Zoo.ResNet20();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 2, Lambda = 1e-3 }));
        var optimizer = factorization.CreateSgd(0.05, momentum: 0.9);
        var images = randn(16, 1, 28, 28);
        var labels = randint(0, 10, new long[] { 16 });
        model.train();
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            var loss = functional.cross_entropy(model.call(images), labels); // the optimizer applies the penalty
            loss.backward();
            optimizer.step();
        }

        factorization.Collapse();
        foreach (var (_, layer) in model.named_modules().Where(m => m.module is TorchSharp.Modules.Conv2d or TorchSharp.Modules.Linear))
        {
            Sparsify.ZeroSmallest(Sparsify.Parameter(layer, "weight"), 0.8); // three steps make no zeros yet
        }

        model.eval();
        var input = randn(3, 1, 28, 28);
        using var noGrad = no_grad();
        var expected = model.call(input);
        using var sparse = SparseForward.Create(model, new long[] { 1, 28, 28 });

        Assert.Equal(SparseServingPath.Graph, sparse.Path);
        Assert.Equal(22, sparse.Layers.Count(l => l.Status == SparseLayerStatus.Sparse)); // 21 convolutions and the classifier
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "collapsed ResNet-20, graph path");
    }

    [Fact]
    public void ADescriptionThatIsNotTheForwardIsRefusedAsSuch()
    {
        using var scope = NewDisposeScope();
        var model = CreateBranchy(932);
        model.ForgetTheReLU = true;

        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(model, new long[] { 3, 8, 8 }));

        Assert.Contains("Branchy.DescribeGraph does not describe its forward", refused.Message, StringComparison.Ordinal);
        Assert.Contains("SparseServingPath.Hooks", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModuleWithoutAGraphNodeIsNamedWithTheWayOut()
    {
        using var scope = NewDisposeScope();
        var model = new WithOpaqueBlock();
        model.eval();

        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(model, new long[] { 4 }));

        Assert.Contains("'block' (Opaque)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'inner'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AllowDenseLayers", refused.Message, StringComparison.Ordinal);
        Assert.Contains("implement IDescribesGraph", refused.Message, StringComparison.Ordinal);
        Assert.Contains("SparseServingPath.Hooks", refused.Message, StringComparison.Ordinal);
        using var hooks = SparseForward.Create(model, new long[] { 4 }, new SparseForwardOptions { Path = SparseServingPath.Hooks });
        Assert.Equal(SparseServingPath.Hooks, hooks.Path); // one way out

        // The other: the block runs in TorchSharp inside the graph, and its layer is listed as dense with the reason.
        using var allowed = SparseForward.Create(model, new long[] { 4 }, new SparseForwardOptions { AllowDenseLayers = true });
        Assert.Equal(SparseServingPath.Graph, allowed.Path);
        var inner = allowed.Layers.Single(l => l.Name == "block.inner");
        Assert.Equal(SparseLayerStatus.Dense, inner.Status);
        Assert.Contains("runs in TorchSharp as part of 'block' (Opaque)", inner.Reason, StringComparison.Ordinal);
        var input = randn(5, 4);
        using var noGrad = no_grad();
        TensorAssert.RelativelyClose(model.call(input), allowed.call(input), Tolerance, "opaque block run in TorchSharp");
    }

    [Fact]
    public void ModulesWithoutWeightLayersOrANodeRunInTorchSharpInsideTheGraph()
    {
        using var scope = NewDisposeScope();
        manual_seed(935);
        var model = new WithLayerNormAndGelu();
        Sparsify.ZeroSmallest(Sparsify.Parameter(model, "first.weight"), 0.5);
        model.eval();
        var input = randn(6, 8);
        using var noGrad = no_grad();
        var expected = model.call(input);

        using var sparse = SparseForward.Create(model, new long[] { 8 });

        Assert.Equal(SparseServingPath.Graph, sparse.Path);
        Assert.All(sparse.Layers, l => Assert.Equal(SparseLayerStatus.Sparse, l.Status)); // the Linear layers; the norm and GELU hold none
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "LayerNorm and GELU in the graph");
    }

    [Fact]
    public void TheGraphPathIsRefusedForAModelThatDoesNotDescribeItself()
    {
        using var scope = NewDisposeScope();
        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(new Opaque(), new long[] { 4 }, new SparseForwardOptions { Path = SparseServingPath.Graph }));
        Assert.Contains("does not describe its forward (implement IDescribesGraph)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescriptionsCheckShapesAsTheyAreBuilt()
    {
        using var scope = NewDisposeScope();
        var model = CreateBranchy(933);
        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(model, new long[] { 2, 8, 8 }));
        Assert.Contains("'conv' (Conv2d) does not take %0 [2, 8, 8]", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConvolutionOnSamplesWithoutChannelsIsRefusedByName()
    {
        // TorchSharp would take [B, 8, 8] as one unbatched image of B channels; the graph refuses it.
        using var scope = NewDisposeScope();
        var model = CreateBranchy(936);
        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(model, new long[] { 8, 8 }));
        Assert.Contains("'conv' (Conv2d) cannot be described: it needs [C, H, W] samples; got %0 [8, 8]", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyRefusesAModelPutBackInTrainingMode()
    {
        // The check runs the dense forward, which in training mode would compare against batch statistics and
        // update the running ones.
        using var scope = NewDisposeScope();
        var model = CreateBranchy(937);
        using var sparse = SparseForward.Create(model, new long[] { 3, 8, 8 });
        model.train();
        var refused = Assert.Throws<InvalidOperationException>(sparse.Verify);
        Assert.Contains("training mode", refused.Message, StringComparison.Ordinal);
        using var noGrad = no_grad();
        var input = randn(2, 3, 8, 8);
        var served = sparse.call(input); // the compiled graph holds copies: serving does not depend on the mode
        model.eval();
        TensorAssert.RelativelyClose(model.call(input), served, Tolerance, "served while the model was in training mode");
    }

    private static Branchy CreateBranchy(int seed)
    {
        manual_seed(seed);
        var model = new Branchy();
        foreach (var name in new[] { "conv", "conv2", "fc" })
        {
            Sparsify.ZeroSmallest(Sparsify.Parameter(model, name + ".weight"), 0.6);
        }

        SparseForwardTests.RandomizeNorms(model, new Generator((ulong)seed));
        model.eval();
        return model;
    }

    private sealed class Branchy : Module<Tensor, Tensor>, IDescribesGraph
    {
        private readonly Conv2d conv = Conv2d(3, 4, 3, padding: 1);
        private readonly BatchNorm2d bn = BatchNorm2d(4);
        private readonly Conv2d conv2 = Conv2d(4, 4, 3, padding: 1, bias: false);
        private readonly BatchNorm2d bn2 = BatchNorm2d(4);
        private readonly MaxPool2d pool = MaxPool2d(2);
        private readonly Linear fc = Linear(8 * 4 * 4, 5);
        private readonly BatchNorm1d bn_fc = BatchNorm1d(5);
        private readonly Linear spare = Linear(2, 2);

        public Branchy()
            : base(nameof(Branchy)) => RegisterComponents();

        public bool ForgetTheReLU { get; set; }

        public override Tensor forward(Tensor input)
        {
            var y = conv.call(input);
            var a = bn.call(y).add(y, Dwf.Numerics.Scalars.One);
            var b = functional.relu(bn2.call(conv2.call(a)));
            var c = pool.call(cat(new[] { a, b }, 1));
            return bn_fc.call(fc.call(c.flatten(1)));
        }

        public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input)
        {
            var y = graph.call(conv, input);
            var a = graph.add(graph.call(bn, y), y);
            var b = graph.call(bn2, graph.call(conv2, a));
            b = ForgetTheReLU ? b : graph.relu(b);
            var c = graph.call(pool, graph.cat(a, b));
            return graph.call(bn_fc, graph.call(fc, graph.flatten(c)));
        }
    }

    private sealed class Opaque : Module<Tensor, Tensor>
    {
        private readonly Linear inner = Linear(4, 4);

        public Opaque()
            : base(nameof(Opaque)) => RegisterComponents();

        public override Tensor forward(Tensor input) => inner.call(input).sin();
    }

    private sealed class WithLayerNormAndGelu : Module<Tensor, Tensor>, IDescribesGraph
    {
        private readonly Linear first = Linear(8, 16);
        private readonly LayerNorm norm = LayerNorm(16);
        private readonly GELU gelu = GELU();
        private readonly Linear second = Linear(16, 3);

        public WithLayerNormAndGelu()
            : base(nameof(WithLayerNormAndGelu)) => RegisterComponents();

        public override Tensor forward(Tensor input) => second.call(gelu.call(norm.call(first.call(input))));

        public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input) =>
            graph.call(second, graph.call(gelu, graph.call(norm, graph.call(first, input))));
    }

    private sealed class WithOpaqueBlock : Module<Tensor, Tensor>, IDescribesGraph
    {
        private readonly Opaque block = new();

        public WithOpaqueBlock()
            : base(nameof(WithOpaqueBlock)) => RegisterComponents();

        public override Tensor forward(Tensor input) => block.call(input);

        public GraphValue DescribeGraph(LayerGraphBuilder graph, GraphValue input) => graph.call(block, input);
    }
}
