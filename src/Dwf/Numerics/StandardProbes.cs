using System.Collections.Generic;
using static TorchSharp.torch;

namespace Dwf.Numerics;

/// <summary>
/// The operations the self-check runs: small convolutions whose channel counts are not multiples of 16
/// (where libtorch's oneDNN float32 kernels were seen to fail on an AMD EPYC Zen 5 CPU with AVX-512:
/// <c>docs/reliability.md</c>), with LeNet-5's own shapes among them, and one linear layer. Together they take a
/// few milliseconds.
/// </summary>
internal static class StandardProbes
{
    public static IReadOnlyList<NumericsProbe> All { get; } = new[]
    {
        new NumericsProbe("conv1d 20→50 k5", new long[] { 2, 20, 24 }, new long[] { 50, 20, 5 }, (x, w) => nn.functional.conv1d(x, w)),
        // LeNet-5's first layer: on the affected CPU its forward was right and its input gradient wrong.
        new NumericsProbe("conv2d 1→20 k5", new long[] { 2, 1, 16, 16 }, new long[] { 20, 1, 5, 5 }, (x, w) => nn.functional.conv2d(x, w)),
        // Batch 16: libtorch picks kernels by size too (NNPACK only from batch 16), so one probe runs at a training-like batch.
        new NumericsProbe("conv2d 20→50 k5", new long[] { 16, 20, 8, 8 }, new long[] { 50, 20, 5, 5 }, (x, w) => nn.functional.conv2d(x, w)),
        new NumericsProbe("conv2d 20→50 k5 padding 2", new long[] { 2, 20, 8, 8 }, new long[] { 50, 20, 5, 5 }, (x, w) => nn.functional.conv2d(x, w, padding: new long[] { 2, 2 })),
        new NumericsProbe("conv3d 20→24 k3", new long[] { 1, 20, 6, 6, 6 }, new long[] { 24, 20, 3, 3, 3 }, (x, w) => nn.functional.conv3d(x, w)),
        new NumericsProbe("conv_transpose2d 20→50 k5", new long[] { 2, 20, 6, 6 }, new long[] { 20, 50, 5, 5 }, (x, w) => nn.functional.conv_transpose2d(x, w)),
        new NumericsProbe("linear 300→100", new long[] { 16, 300 }, new long[] { 100, 300 }, (x, w) => nn.functional.linear(x, w)),
    };
}
