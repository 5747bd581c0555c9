using System;
using System.IO;
using System.Linq;
using Dwf.Deployment;
using Dwf.Samples.Models;
using Dwf.Samples.Models.Zoo;
using Dwf.Serialization;
using Dwf.Tests.Support;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Deployment;

/// <summary>
/// <see cref="SparseForward"/> on models whose forward is not a chain (residual nets with BatchNorm), against
/// their dense eval-mode forward, and the ways it refuses what it cannot serve.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class SparseForwardTests
{
    // Folding BatchNorm changes float32 rounding (W·s is rounded once, then summed); measured ≈ 1e-7 relative.
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1, SparseServingPath.Hooks)]
    [InlineData(5, SparseServingPath.Hooks)]
    [InlineData(1, SparseServingPath.Auto)]
    [InlineData(11, SparseServingPath.Auto)] // more than one chunk of the graph program
    public void ResNet20WithFoldedBatchNormMatchesTheDenseEvalForward(int batch, SparseServingPath path)
    {
        using var scope = NewDisposeScope();
        var (model, twin) = Twins(() => new ResNet20(), 901, 0.9);
        using var sparse = SparseForward.Create(model, new long[] { 1, 28, 28 }, new SparseForwardOptions { Path = path });

        // ResNet20 describes its forward (IDescribesGraph), so Auto takes the graph path.
        Assert.Equal(path == SparseServingPath.Auto ? SparseServingPath.Graph : path, sparse.Path);
        var convolutions = sparse.Layers.Where(l => l.Type == "Conv2d").ToList();
        Assert.Equal(21, convolutions.Count); // stem, 18 in blocks, 2 projection shortcuts
        Assert.All(convolutions, l => Assert.Equal(SparseLayerStatus.Sparse, l.Status));
        Assert.All(convolutions, l => Assert.NotNull(l.FoldedNorm));
        Assert.Equal("layers.3.shortcut.1", sparse.Layers.Single(l => l.Name == "layers.3.shortcut.0").FoldedNorm);
        // Folding scales whole output channels by γ/√(var + ε) ≠ 0: the zeros are the collapsed model's.
        long nonZero = twin.named_modules().Where(m => m.module is TorchSharp.Modules.Conv2d or TorchSharp.Modules.Linear)
            .Sum(m => Sparsify.Parameter(m.module, "weight").count_nonzero().item<long>());
        Assert.Equal(nonZero, sparse.NonZeroWeights);

        var input = randn(batch, 1, 28, 28);
        using var noGrad = no_grad();
        TensorAssert.RelativelyClose(twin.call(input), sparse.call(input), Tolerance, "sparse vs dense ResNet-20");
    }

    [Theory]
    [InlineData(SparseServingPath.Hooks)]
    [InlineData(SparseServingPath.Graph)]
    public void InputsOfAnotherSizeThanTheProbeAreServedToo(SparseServingPath path)
    {
        // ResNet-20 pools adaptively, so it takes any image size; every kernel (or the graph) re-plans for the new size.
        using var scope = NewDisposeScope();
        var (model, twin) = Twins(() => new ResNet20(), 912, 0.9);
        using var sparse = SparseForward.Create(model, new long[] { 1, 28, 28 }, new SparseForwardOptions { Path = path });
        using var noGrad = no_grad();
        foreach (var size in new[] { 20, 33, 28 })
        {
            var input = randn(2, 1, size, size);
            TensorAssert.RelativelyClose(twin.call(input), sparse.call(input), Tolerance, $"{size}x{size} input");
        }
    }

    [Theory]
    [InlineData(SparseServingPath.Hooks)]
    [InlineData(SparseServingPath.Graph)]
    public void MobileNetStyleWithDepthwiseAndStridedConvolutionsMatches(SparseServingPath path)
    {
        using var scope = NewDisposeScope();
        var (model, twin) = Twins(() => new MobileNetStyle(), 902, 0.8);
        using var sparse = SparseForward.Create(model, new long[] { 1, 28, 28 }, new SparseForwardOptions { Path = path });
        Assert.Equal(path, sparse.Path);
        var input = randn(3, 1, 28, 28);
        using var noGrad = no_grad();
        TensorAssert.RelativelyClose(twin.call(input), sparse.call(input), Tolerance, "sparse vs dense MobileNet-style");
    }

    [Theory]
    [InlineData(4, 6, 3, 1, 1, 1, 1, 9, 9)]   // ResNet's 3×3
    [InlineData(4, 6, 3, 2, 1, 1, 1, 9, 8)]   // strided, odd and even sizes
    [InlineData(4, 8, 1, 2, 0, 1, 1, 7, 7)]   // 1×1 projection shortcut
    [InlineData(6, 6, 3, 2, 1, 1, 6, 10, 7)]  // depthwise, strided
    [InlineData(4, 6, 3, 1, 2, 2, 2, 9, 11)]  // dilated, grouped
    [InlineData(3, 5, 5, 3, 2, 1, 1, 13, 12)] // stride 3, kernel 5
    [InlineData(3, 5, 3, 1, 0, 1, 1, 6, 5)]   // no padding: read in place
    public void SparseConvolutionMatchesLibTorch(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups, int height, int width)
    {
        using var scope = NewDisposeScope();
        manual_seed(903);
        var model = new OneConvolution(Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, dilation: dilation, groups: groups));
        Sparsify.ZeroSmallest(Sparsify.Parameter(model, "conv.weight"), 0.6);
        var input = randn(2, inChannels, height, width);
        using var noGrad = no_grad();
        model.eval();
        var expected = model.call(input);
        using var sparse = SparseForward.Create(model, new long[] { inChannels, height, width });
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "sparse vs libtorch convolution");
    }

    [Fact]
    public void SamePaddingWithAnEvenKernelIsAsymmetricLikeTorchSharps()
    {
        using var scope = NewDisposeScope();
        manual_seed(904);
        var model = new OneConvolution(Conv2d(3, 4, 4, padding: TorchSharp.Padding.Same));
        var input = randn(2, 3, 7, 6);
        using var noGrad = no_grad();
        model.eval();
        var expected = model.call(input);
        using var sparse = SparseForward.Create(model, new long[] { 3, 7, 6 });
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "'same' padding");
    }

    [Fact]
    public void ALayerTheKernelsCannotRunIsRefusedWithItsNameAndReason()
    {
        using var scope = NewDisposeScope();
        manual_seed(905);
        var model = new WithConv1d();
        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(model, new long[] { 2, 16 }));
        Assert.Contains("'sequence' (Conv1d)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no sparse kernel", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AllowDenseLayers", refused.Message, StringComparison.Ordinal);

        // Allowed explicitly, it runs dense and says so; the Linear layer is still sparse.
        using var sparse = SparseForward.Create(model, new long[] { 2, 16 }, new SparseForwardOptions { AllowDenseLayers = true });
        Assert.Equal(SparseLayerStatus.Dense, sparse.Layers.Single(l => l.Name == "sequence").Status);
        Assert.Equal(SparseLayerStatus.Sparse, sparse.Layers.Single(l => l.Name == "head").Status);
        Assert.Contains("sequence (Conv1d): Dense", sparse.ToString(), StringComparison.Ordinal);
        Assert.Contains("describe the forward (IDescribesGraph)", sparse.ToString(), StringComparison.Ordinal); // the way to the faster path
    }

    [Fact]
    public void ALayerCalledWithForwardInsteadOfCallIsNamed()
    {
        using var scope = NewDisposeScope();
        manual_seed(906);
        var model = new CallsForwardDirectly();
        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(model, new long[] { 8 }));
        Assert.Contains("'second'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("second.call(x)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'first'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SparseServingPath.Hooks)]
    [InlineData(SparseServingPath.Graph)]
    public void ACorruptedSparseLayerFailsTheCheckAgainstTheDenseForward(SparseServingPath path)
    {
        using var scope = NewDisposeScope();
        var (model, _) = Twins(() => new ResNet20(), 907, 0.9);
        using var sparse = SparseForward.Create(model, new long[] { 1, 28, 28 }, new SparseForwardOptions { Path = path });
        sparse.Verify(); // passes as built

        sparse.CorruptForTest("layers.4.conv2");
        var failed = Assert.Throws<InvalidOperationException>(sparse.Verify);
        Assert.Contains("no longer computes its dense forward", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingModeIsRefusedAndDisposeGivesTheDenseModelBack()
    {
        using var scope = NewDisposeScope();
        var (model, twin) = Twins(() => new ResNet20(), 908, 0.9);
        var sparse = SparseForward.Create(model, new long[] { 1, 28, 28 }, new SparseForwardOptions { Path = SparseServingPath.Hooks });
        var input = randn(2, 1, 28, 28);
        model.train();
        var refused = Assert.Throws<InvalidOperationException>(() => sparse.call(input));
        Assert.Contains("training mode", refused.Message, StringComparison.Ordinal);

        sparse.Dispose();
        model.eval();
        using var noGrad = no_grad();
        Assert.Equal(0.0, TensorAssert.RelativeError(twin.call(input), model.call(input))); // the dense forward again, bit for bit
        Assert.Throws<ObjectDisposedException>(() => sparse.call(input));
    }

    [Fact]
    public void TheSparseFormIsRebuiltFromTheCollapsedStateDict()
    {
        using var scope = NewDisposeScope();
        var (model, _) = Twins(() => new ResNet20(), 909, 0.95);
        string path = Path.Combine(Path.GetTempPath(), $"dwf-sparse-forward-{Guid.NewGuid():N}.dat");
        try
        {
            StateDictFile.Save(model, path);
            var loaded = new ResNet20();
            StateDictFile.Load(loaded, path);
            using var original = SparseForward.Create(model, new long[] { 1, 28, 28 });
            using var rebuilt = SparseForward.Create(loaded, new long[] { 1, 28, 28 });
            var input = randn(4, 1, 28, 28);
            Assert.Equal(original.NonZeroWeights, rebuilt.NonZeroWeights);
            Assert.Equal(0.0, TensorAssert.RelativeError(original.call(input), rebuilt.call(input)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ANormWhoseInputIsAlsoReadElsewhereIsNotFolded()
    {
        using var scope = NewDisposeScope();
        manual_seed(910);
        var model = new NormAndSkipOfTheSameTensor();
        RandomizeNorms(model, new Generator(910));
        var input = randn(2, 3, 6, 6);
        using var noGrad = no_grad();
        model.eval();
        var expected = model.call(input);
        using var sparse = SparseForward.Create(model, new long[] { 3, 6, 6 });
        Assert.Null(sparse.Layers.Single(l => l.Name == "conv").FoldedNorm);
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "unfolded norm");
    }

    [Fact]
    public void ChainModelsTakeTheChainPathAndFactorizedOnesAreRefused()
    {
        using var scope = NewDisposeScope();
        manual_seed(911);
        var lenet = new LeNet300();
        Sparsify.ZeroSmallest(Sparsify.Parameter(lenet, "fc1.weight"), 0.9);
        using var sparse = SparseForward.Create(lenet, new long[] { 784 });
        Assert.Equal(SparseServingPath.LayerChain, sparse.Path);
        var input = randn(3, 784);
        using (no_grad())
        {
            TensorAssert.RelativelyClose(lenet.call(input), sparse.call(input), Tolerance, "chain path");
        }

        var factorized = new LeNet300();
        Factorization.Attach(factorized, new FactorizationPlan(new FactorizationOptions { Depth = 2 }));
        var refused = Assert.Throws<InvalidOperationException>(() => SparseForward.Create(factorized, new long[] { 784 }));
        Assert.Contains("Collapse()", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerCalledTwicePerForwardIsServedBothTimesAndNotFolded()
    {
        using var scope = NewDisposeScope();
        manual_seed(913);
        var model = new SharedLayer();
        Sparsify.ZeroSmallest(Sparsify.Parameter(model, "shared.weight"), 0.7);
        var input = randn(4, 6);
        using var noGrad = no_grad();
        model.eval();
        var expected = model.call(input);
        using var sparse = SparseForward.Create(model, new long[] { 6 });
        var shared = sparse.Layers.Single(l => l.Name == "shared");
        Assert.Equal(SparseLayerStatus.Sparse, shared.Status);
        Assert.Null(shared.FoldedNorm); // called twice: the norm after its first call cannot be folded into both
        TensorAssert.RelativelyClose(expected, sparse.call(input), Tolerance, "shared layer");
    }

    // A model and an identical dense twin: weights pruned per layer, BatchNorm statistics and affine
    // parameters away from their identity initialization (so that folding has something to fold).
    private static (Module<Tensor, Tensor> Model, Module<Tensor, Tensor> Twin) Twins(Func<Module<Tensor, Tensor>> create, int seed, double zeroFraction)
    {
        manual_seed(seed);
        var model = create();
        foreach (var (_, module) in model.named_modules().Where(m => m.module is TorchSharp.Modules.Conv2d or TorchSharp.Modules.Linear))
        {
            Sparsify.ZeroSmallest(Sparsify.Parameter(module, "weight"), zeroFraction);
        }

        RandomizeNorms(model, new Generator((ulong)seed));
        var twin = create();
        twin.load_state_dict(model.state_dict());
        model.eval();
        twin.eval();
        return (model, twin);
    }

    /// <summary>BatchNorm statistics and affine parameters away from their identity initialization (what a trained net has).</summary>
    internal static void RandomizeNorms(Module model, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var norm in model.modules().OfType<BatchNorm>())
        {
            long n = norm.num_features;
            norm.running_mean!.copy_(randn(n, generator: generator).mul(0.2));
            norm.running_var!.copy_(rand(n, generator: generator).add(0.5));
            norm.weight!.copy_(rand(n, generator: generator).add(0.5));
            norm.bias!.copy_(randn(n, generator: generator).mul(0.2));
        }
    }

    private sealed class OneConvolution : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv;

        public OneConvolution(Conv2d convolution)
            : base(nameof(OneConvolution))
        {
            conv = convolution;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => conv.call(input);
    }

    private sealed class WithConv1d : Module<Tensor, Tensor>
    {
        private readonly Conv1d sequence = Conv1d(2, 4, 3);
        private readonly Linear head = Linear(56, 5);

        public WithConv1d()
            : base(nameof(WithConv1d)) => RegisterComponents();

        public override Tensor forward(Tensor input) => head.call(functional.relu(sequence.call(input)).flatten(1));
    }

    private sealed class CallsForwardDirectly : Module<Tensor, Tensor>
    {
        private readonly Linear first = Linear(8, 8);
        private readonly Linear second = Linear(8, 3);

        public CallsForwardDirectly()
            : base(nameof(CallsForwardDirectly)) => RegisterComponents();

        public override Tensor forward(Tensor input) => second.forward(functional.relu(first.call(input)));
    }

    private sealed class SharedLayer : Module<Tensor, Tensor>
    {
        private readonly Linear shared = Linear(6, 6);
        private readonly BatchNorm1d norm = BatchNorm1d(6);

        public SharedLayer()
            : base(nameof(SharedLayer)) => RegisterComponents();

        public override Tensor forward(Tensor input) => shared.call(functional.relu(norm.call(shared.call(input))));
    }

    private sealed class NormAndSkipOfTheSameTensor : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv = Conv2d(3, 3, 3, padding: 1);
        private readonly BatchNorm2d norm = BatchNorm2d(3);

        public NormAndSkipOfTheSameTensor()
            : base(nameof(NormAndSkipOfTheSameTensor)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var y = conv.call(input);
            return norm.call(y).add(y);
        }
    }
}
