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

/// <summary>The C# sparse kernels against TorchSharp's dense ops on the same (collapsed-looking) weights.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class SparseModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(70)] // three chunks of the batch, the last one partial
    public void SparseLeNet300MatchesTheDenseModel(int batch)
    {
        using var scope = NewDisposeScope();
        manual_seed(811);
        var model = new LeNet300();
        foreach (var name in new[] { "fc1.weight", "fc2.weight", "fc3.weight" })
        {
            Sparsify.ZeroSmallest(Sparsify.Parameter(model, name), 0.95);
        }

        model.eval();
        var input = randn(batch, 784);
        var sparse = SparseModel.Create(model);
        TensorAssert.RelativelyClose(model.call(input), sparse.call(input), 1e-5, "sparse vs dense");
        long nonZero = new[] { "fc1.weight", "fc2.weight", "fc3.weight" }.Sum(n => Sparsify.Parameter(model, n).ne(0).sum().item<long>());
        Assert.Equal(nonZero, sparse.NonZeroWeights);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void SparseLeNet5MatchesTheDenseModel(int batch)
    {
        using var scope = NewDisposeScope();
        manual_seed(812);
        var model = new LeNet5();
        foreach (var name in new[] { "conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight" })
        {
            Sparsify.ZeroSmallest(Sparsify.Parameter(model, name), 0.9);
        }

        model.eval();
        var input = randn(batch, 1, 28, 28);
        TensorAssert.RelativelyClose(model.call(input), SparseModel.Create(model).call(input), 1e-5, "sparse vs dense");
    }

    [Fact]
    public void SparseFormOfACompactedModelMatchesTheOriginal()
    {
        using var scope = NewDisposeScope();
        manual_seed(813);
        var model = new LeNet300();
        var fc1 = Sparsify.Parameter(model, "fc1.weight");
        Sparsify.ZeroSmallest(fc1, 0.98);
        Sparsify.ZeroSlices(fc1, 1, Enumerable.Range(0, 100).Select(i => (long)i));
        Sparsify.ZeroSlices(fc1, 0, Enumerable.Range(0, 50).Select(i => (long)i));
        model.eval();
        var compact = Compaction.Compact(model);
        Assert.IsType<SelectInputsStep>(compact.Chain.Steps[0]);
        var sparse = SparseModel.FromChain(compact.Chain);
        var input = randn(33, 784);
        TensorAssert.RelativelyClose(model.call(input), sparse.call(input), 1e-5, "sparse(compacted) vs dense");
        TensorAssert.RelativelyClose(model.call(input[..1]), sparse.call(input[..1]), 1e-5, "batch 1");
    }

    [Fact]
    public void StridedDilatedPaddedConvolutionAndCeilModePoolingMatchTorch()
    {
        using var scope = NewDisposeScope();
        manual_seed(814);
        var conv = Conv2d(3, 5, (3, 2), stride: (2, 1), padding: (1, 2), dilation: (2, 1));
        var conv2 = Conv2d(5, 4, 3, stride: 2, padding: 1);
        Sparsify.ZeroSmallest(conv.weight, 0.5);
        var model = Sequential(
            ("conv", conv), ("act", LeakyReLU(0.1)), ("pool", MaxPool2d((3, 2), (2, 2), (1, 1), ceil_mode: true)),
            ("conv2", conv2), ("sig", Sigmoid()), ("flat", Flatten()));
        var chain = LayerChain.FromSequential(model, 3, 11, 9);
        var sparse = SparseModel.FromChain(chain);
        var input = randn(3, 3, 11, 9);
        TensorAssert.RelativelyClose(model.call(input), sparse.call(input), 1e-5, "sparse conv/pool vs TorchSharp");
    }

    [Fact]
    public void CsrMatrixStoresExactlyTheNonZeros()
    {
        using var scope = NewDisposeScope();
        manual_seed(815);
        var dense = randn(13, 17);
        Sparsify.ZeroSmallest(dense, 0.7);
        var csr = CsrMatrix.FromDense(dense);
        Assert.Equal(dense.ne(0).sum().item<long>(), csr.NonZeroCount);
        Assert.True(csr.ToDense().eq(dense).all().item<bool>(), "CSR round trip");
        Assert.Equal(14, csr.RowStarts.Length);
    }

    [Fact]
    public void WrongInputsAreRefusedWithTheExpectedShape()
    {
        using var scope = NewDisposeScope();
        var sparse = SparseModel.Create(new LeNet300());
        var shape = Assert.Throws<ArgumentException>(() => sparse.call(zeros(2, 28, 28)));
        Assert.Contains("expects [B, 784]; got [2, 28, 28]", shape.Message, StringComparison.Ordinal);
        var dtype = Assert.Throws<ArgumentException>(() => sparse.call(zeros(new long[] { 2, 784 }, dtype: ScalarType.Float64)));
        Assert.Contains("float32", dtype.Message, StringComparison.Ordinal);
    }
}
