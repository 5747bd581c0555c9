using System;
using System.Linq;
using Dwf.Deployment;
using Dwf.Samples.Models;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Deployment;

[Collection(DeploymentCollection.Name)]
public sealed class CompactionTests
{
    [Fact]
    public void CompactedLeNet300RemovesExactlyTheDeadUnitsAndKeepsTheOutputs()
    {
        using var scope = NewDisposeScope();
        manual_seed(801);
        var model = new LeNet300();
        var fc1 = Sparsify.Parameter(model, "fc1.weight");
        var fc2 = Sparsify.Parameter(model, "fc2.weight");
        var fc3 = Sparsify.Parameter(model, "fc3.weight");
        Sparsify.ZeroSmallest(fc1, 0.9);
        Sparsify.ZeroSmallest(fc2, 0.8);
        long[] deadRows1 = { 0, 5, 17, 299 };          // fc1 units with no input: constant relu(b), folded into fc2's bias
        long[] unusedCols2 = { 5, 40, 41 };            // fc1 units fc2 does not read (5 is also dead)
        long[] deadInputs = Enumerable.Range(0, 28).Select(i => (long)i).ToArray(); // first image row: never read
        long[] deadRows2 = { 3, 99 };                  // fc2 units with no input
        Sparsify.ZeroSlices(fc1, 0, deadRows1);
        Sparsify.ZeroSlices(fc2, 1, unusedCols2);
        Sparsify.ZeroSlices(fc1, 1, deadInputs);
        Sparsify.ZeroSlices(fc2, 0, deadRows2);
        // 90 % sparsity leaves no other empty row or column in a 784x300 random matrix (checked below by the counts).

        var input = randn(64, 784);
        model.eval();
        var expected = model.call(input);
        var result = Compaction.Compact(model);

        var boundaries = result.Boundaries.ToDictionary(b => b.Boundary);
        Assert.Equal(new BoundaryCompaction("input → fc1", 784, 784 - 28, 0, 28), boundaries["input → fc1"]);
        Assert.Equal(new BoundaryCompaction("fc1 → fc2", 300, 300 - 6, 4, 2), boundaries["fc1 → fc2"]);
        Assert.Equal(new BoundaryCompaction("fc2 → fc3", 100, 98, 2, 0), boundaries["fc2 → fc3"]);
        Assert.Equal(new long[] { 294, 756 }, Sparsify.Parameter(result.Module, "fc1.weight").shape);
        Assert.Equal(new long[] { 98, 294 }, Sparsify.Parameter(result.Module, "fc2.weight").shape);
        Assert.Equal(new long[] { 10, 98 }, Sparsify.Parameter(result.Module, "fc3.weight").shape);
        // Independently: the non-zeros of the original weights restricted to the units the test expects to survive.
        var keptIn = Keep(784, deadInputs);
        var kept1 = Keep(300, deadRows1.Concat(unusedCols2));
        var kept2 = Keep(100, deadRows2);
        long expectedNonZero = NonZeros(fc1, kept1, keptIn) + NonZeros(fc2, kept2, kept1) + NonZeros(fc3, Keep(10, Array.Empty<long>()), kept2);
        Assert.Equal(expectedNonZero, result.NonZeroWeights);

        var actual = result.Module.call(input);
        TensorAssert.RelativelyClose(expected, actual, 1e-5, "compacted LeNet-300-100 outputs");
    }

    private static long[] Keep(long count, System.Collections.Generic.IEnumerable<long> removed) =>
        Enumerable.Range(0, (int)count).Select(i => (long)i).Except(removed).ToArray();

    private static long NonZeros(Tensor weight, long[] rows, long[] columns) =>
        weight.index_select(0, tensor(rows)).index_select(1, tensor(columns)).ne(0).sum().item<long>();

    [Fact]
    public void ADeadUnitsBiasIsFoldedIntoTheNextBiasAsComputedByHand()
    {
        using var scope = NewDisposeScope();
        var first = Linear(2, 3);
        var second = Linear(3, 2);
        using (no_grad())
        {
            first.weight!.copy_(tensor(new float[] { 1, 2, 0, 0, -1, 1 }, new long[] { 3, 2 }));
            first.bias!.copy_(tensor(new float[] { 0.1f, 0.5f, -0.25f }));
            first.weight![1].zero_(); // unit 1: constant relu(0.5) = 0.5
            second.weight!.copy_(tensor(new float[] { 1, 3, -2, 4, -5, 6 }, new long[] { 2, 3 }));
            second.bias!.copy_(tensor(new float[] { 0.01f, 0.02f }));
        }

        var model = Sequential(("a", first), ("act", ReLU()), ("b", second));
        var result = Compaction.Compact(model, new long[] { 2 });

        // b′ = b + W₂[:, 1]·relu(0.5) = (0.01 + 3·0.5, 0.02 − 5·0.5).
        var bias = Sparsify.Parameter(result.Module, "b.bias").data<float>().ToArray();
        Assert.Equal(0.01 + 1.5, bias[0], 1e-6);
        Assert.Equal(0.02 - 2.5, bias[1], 1e-6);
        Assert.Equal(new float[] { 1, -2, 4, 6 }, Sparsify.Parameter(result.Module, "b.weight").data<float>().ToArray());
        var input = randn(10, 2);
        TensorAssert.RelativelyClose(model.call(input), result.Module.call(input), 1e-6, "outputs");
    }

    [Fact]
    public void RemovalCascadesThroughUnitsThatOnlyReadConstants()
    {
        using var scope = NewDisposeScope();
        manual_seed(802);
        var l1 = Linear(6, 5);
        var l2 = Linear(5, 4);
        var l3 = Linear(4, 3);
        using (no_grad())
        {
            l1.weight![0].zero_();               // unit 0 of layer 1: constant
            l2.weight![2].zero_();
            l2.weight![2, 0] = tensor(0.7f);     // unit 2 of layer 2 reads only the constant unit 0 → constant too
            l3.weight![.., 1].zero_();           // unit 1 of layer 2 is not read
        }

        var model = Sequential(("l1", l1), ("t1", Tanh()), ("l2", l2), ("t2", Tanh()), ("l3", l3));
        var result = Compaction.Compact(model, new long[] { 6 });
        Assert.Equal(new BoundaryCompaction("l1 → l2", 5, 4, 1, 0), result.Boundaries.Single(b => b.Boundary == "l1 → l2"));
        Assert.Equal(new BoundaryCompaction("l2 → l3", 4, 2, 1, 1), result.Boundaries.Single(b => b.Boundary == "l2 → l3"));
        var input = randn(20, 6);
        TensorAssert.RelativelyClose(model.call(input), result.Module.call(input), 1e-5, "outputs");
    }

    [Fact]
    public void CompactedLeNet5RemovesDeadChannelsThroughPoolingAndFlatten()
    {
        using var scope = NewDisposeScope();
        manual_seed(803);
        var model = new LeNet5();
        var conv1 = Sparsify.Parameter(model, "conv1.weight");
        var conv2 = Sparsify.Parameter(model, "conv2.weight");
        var fc1 = Sparsify.Parameter(model, "fc1.weight");
        Sparsify.ZeroSmallest(conv2, 0.7);
        Sparsify.ZeroSmallest(fc1, 0.9);
        Sparsify.ZeroSlices(conv1, 0, new long[] { 2, 7 });        // constant channels: bias through max-pool, into conv2 (no padding)
        Sparsify.ZeroSlices(conv2, 0, new long[] { 0, 49 });       // constant channels: through max-pool and flatten into fc1
        using (no_grad())
        {
            fc1[.., (16 * 10)..(16 * 11)].zero_();                    // channel 10 of conv2: fc1 reads none of its 16 positions
        }

        model.eval();
        var input = randn(8, 1, 28, 28);
        var expected = model.call(input);
        var result = Compaction.Compact(model);
        Assert.Equal(new BoundaryCompaction("conv1 → conv2", 20, 18, 2, 0), result.Boundaries.Single(b => b.Boundary == "conv1 → conv2"));
        Assert.Equal(new BoundaryCompaction("conv2 → fc1", 50, 47, 2, 1), result.Boundaries.Single(b => b.Boundary == "conv2 → fc1"));
        Assert.Equal(new long[] { 500, 47 * 16 }, Sparsify.Parameter(result.Module, "fc1.weight").shape);
        TensorAssert.RelativelyClose(expected, result.Module.call(input), 1e-5, "compacted LeNet-5 outputs");
    }

    [Fact]
    public void IntoAPaddedConvolutionOnlyAZeroConstantIsRemoved()
    {
        using var scope = NewDisposeScope();
        manual_seed(804);
        var c1 = Conv2d(3, 4, 3, padding: 1);
        var c2 = Conv2d(4, 2, 3, padding: 1);
        using (no_grad())
        {
            c1.weight[0].zero_();
            c1.bias![0] = tensor(0.8f);   // relu(0.8) ≠ 0: at the border the padded conv sees it only partly → must stay
            c1.weight[1].zero_();
            c1.bias![1] = tensor(-0.3f);  // relu(−0.3) = 0: contributes nothing anywhere → removed
        }

        var model = Sequential(("c1", c1), ("r", ReLU()), ("c2", c2));
        var result = Compaction.Compact(model, new long[] { 3, 6, 6 });
        Assert.Equal(new BoundaryCompaction("c1 → c2", 4, 3, 1, 0), result.Boundaries.Single(b => b.Boundary == "c1 → c2"));
        var input = randn(2, 3, 6, 6);
        TensorAssert.RelativelyClose(model.call(input), result.Module.call(input), 1e-5, "outputs");
    }

    [Fact]
    public void AChainThatDoesNotDescribeTheForwardIsRefused()
    {
        using var scope = NewDisposeScope();
        var model = new LeNet300();
        var fc = model.named_children().ToDictionary(c => c.name, c => (TorchSharp.Modules.Linear)c.module);
        var wrong = LayerChain.Create(784).Linear(fc["fc1"], "fc1").Tanh().Linear(fc["fc2"], "fc2").ReLU().Linear(fc["fc3"], "fc3").Build();
        var error = Assert.Throws<InvalidOperationException>(() => Compaction.Compact(model, wrong));
        Assert.Contains("does not describe LeNet300", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFactorizedModelMustBeCollapsedFirst()
    {
        using var scope = NewDisposeScope();
        var model = new LeNet300();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        var error = Assert.Throws<InvalidOperationException>(() => Compaction.Compact(model));
        Assert.Contains("Collapse()", error.Message, StringComparison.Ordinal);
        factorization.Collapse();
        Assert.NotNull(Compaction.Compact(model).Module);
    }

    [Fact]
    public void NormalizationBetweenLayersIsRefusedWithTheReason()
    {
        using var scope = NewDisposeScope();
        var model = Sequential(("conv", Conv2d(1, 2, 3)), ("bn", BatchNorm2d(2)), ("relu", ReLU()));
        var error = Assert.Throws<NotSupportedException>(() => Compaction.Compact(model, new long[] { 1, 5, 5 }));
        Assert.Contains("'bn' (BatchNorm2d)", error.Message, StringComparison.Ordinal);
        Assert.Contains("normalization", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShapeMismatchesInADeclaredChainAreReportedWithTheStep()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => LayerChain.Create(1, 28, 28).Conv2d(Conv2d(1, 4, 5), "c").Flatten().Linear(Linear(100, 10), "fc").Build());
        Assert.Contains("step 'fc' does not fit after [2304]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCompactedModelHasNewShapesUnderSimilarKeysAndDoesNotLoadIntoTheOriginalClass()
    {
        using var scope = NewDisposeScope();
        manual_seed(805);
        var model = new LeNet300();
        Sparsify.ZeroSlices(Sparsify.Parameter(model, "fc1.weight"), 1, new long[] { 0, 1 });
        Sparsify.ZeroSlices(Sparsify.Parameter(model, "fc1.weight"), 0, new long[] { 7 });
        var result = Compaction.Compact(model);
        Assert.Equal(
            new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias", "select_inputs.index" },
            result.Module.state_dict().Keys.ToArray());
        Assert.Equal(new long[] { 299, 782 }, Sparsify.Parameter(result.Module, "fc1.weight").shape);
        var error = Assert.Throws<System.IO.InvalidDataException>(() => Dwf.Serialization.StateDictFile.LoadEntries(new LeNet300(), result.Module.state_dict().Select(kv => (kv.Key, kv.Value)).ToList(), "compacted"));
        Assert.Contains("select_inputs.index", error.Message, StringComparison.Ordinal);
    }
}
