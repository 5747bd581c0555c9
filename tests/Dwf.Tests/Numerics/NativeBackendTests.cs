using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Numerics;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Numerics;

/// <summary>
/// On whatever machine runs the suite: after the self-check, every layer type the runtime can factorize computes
/// in float32 what it computes in float64 (forward, input gradient, weight gradient). The next native library
/// that computes wrong numbers on some CPU is caught here, not by a user.
/// </summary>
public sealed class NativeBackendTests
{
    // Channel counts that are not multiples of 16 (where oneDNN's blocked layouts pad), LeNet-5's among them.
    public static TheoryData<string> Layers() => new(LayerCases.Keys.OrderBy(k => k, StringComparer.Ordinal));

    private static readonly Dictionary<string, (Func<Module<Tensor, Tensor>> Create, long[] InputShape)> LayerCases = new()
    {
        ["Linear 300→100"] = (() => Linear(300, 100), new long[] { 16, 300 }),
        ["Conv1d 20→50 k5"] = (() => Conv1d(20, 50, 5), new long[] { 4, 20, 24 }),
        ["Conv2d 1→20 k5"] = (() => Conv2d(1, 20, 5), new long[] { 4, 1, 28, 28 }),
        ["Conv2d 20→50 k5"] = (() => Conv2d(20, 50, 5), new long[] { 4, 20, 12, 12 }),
        ["Conv2d 3→7 k3 stride 2 padding 1"] = (() => Conv2d(3, 7, 3, stride: 2, padding: 1), new long[] { 4, 3, 15, 15 }),
        ["Conv2d 20→60 k3 groups 2"] = (() => Conv2d(20, 60, 3, groups: 2), new long[] { 4, 20, 10, 10 }),
        ["Conv3d 20→24 k3"] = (() => Conv3d(20, 24, 3), new long[] { 2, 20, 6, 6, 6 }),
        ["ConvTranspose1d 20→50 k5"] = (() => ConvTranspose1d(20, 50, 5), new long[] { 4, 20, 12 }),
        ["ConvTranspose2d 20→50 k5"] = (() => ConvTranspose2d(20, 50, 5), new long[] { 4, 20, 6, 6 }),
        ["ConvTranspose3d 20→12 k3"] = (() => ConvTranspose3d(20, 12, 3), new long[] { 2, 20, 4, 4, 4 }),
    };

    // Float32 sums of up to 540 products against float64: observed ≤ 1e-6 relative to the largest value;
    // the failures this guards against are 1e-1 or NaN.
    private const double Tolerance = 1e-4;

    [Fact]
    public void The_check_has_left_every_probe_correct_and_the_verdict_matches_the_switch()
    {
        var verdict = NativeNumerics.EnsureChecked();
        Assert.NotEqual(NumericsOutcome.NotChecked, verdict.Outcome); // the suite must not run with the check turned off

        var results = NativeNumerics.Measure();
        Assert.All(results, r => Assert.True(r.IsCorrect, r.ToString()));
        if (NativeNumerics.IsOneDnnEnabled is bool enabled)
        {
            Assert.Equal(!verdict.OneDnnSwitchedOff, enabled);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Layer_computes_in_float32_what_it_computes_in_float64(string layer)
    {
        NativeNumerics.EnsureChecked();
        using var scope = NewDisposeScope();
        var (create, inputShape) = LayerCases[layer];
        manual_seed(11);
        var module32 = create();
        var module64 = create();
        module64.load_state_dict(module32.state_dict());
        module64.to(float64);
        var input = randn(inputShape);
        var (output32, inputGradient32, weightGradient32) = ForwardAndGradients(module32, input, seed: 5);
        var (output64, inputGradient64, weightGradient64) = ForwardAndGradients(module64, input.to(float64), seed: 5);

        TensorAssert.RelativelyClose(output64, output32, Tolerance, $"{layer} forward");
        TensorAssert.RelativelyClose(inputGradient64, inputGradient32, Tolerance, $"{layer} input gradient");
        TensorAssert.RelativelyClose(weightGradient64, weightGradient32, Tolerance, $"{layer} weight gradient");
    }

    [Fact]
    public void Bilinear_and_Embedding_compute_in_float32_what_they_compute_in_float64()
    {
        NativeNumerics.EnsureChecked();
        using var scope = NewDisposeScope();
        manual_seed(12);
        var bilinear = Bilinear(20, 30, 50);
        var bilinear64 = Bilinear(20, 30, 50);
        bilinear64.load_state_dict(bilinear.state_dict());
        bilinear64.to(float64);
        var left = randn(8, 20);
        var right = randn(8, 30);
        TensorAssert.RelativelyClose(bilinear64.call(left.to(float64), right.to(float64)), bilinear.call(left, right), Tolerance, "Bilinear forward");

        var embedding = Embedding(100, 20);
        var embedding64 = Embedding(100, 20);
        embedding64.load_state_dict(embedding.state_dict());
        embedding64.to(float64);
        var indices = randint(0, 100, new long[] { 8, 5 });
        TensorAssert.RelativelyClose(embedding64.call(indices), embedding.call(indices), Tolerance, "Embedding forward");
    }

    private static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) ForwardAndGradients(Module<Tensor, Tensor> module, Tensor input, int seed)
    {
        var leaf = input.detach().requires_grad_(true);
        var output = module.call(leaf);
        using var generator = new Generator((ulong)seed);
        var outputGradient = randn(output.shape, generator: generator).to(output.dtype);
        autograd.backward(new[] { output }, new[] { outputGradient });
        var weight = module.named_parameters().Single(p => p.name == "weight").parameter;
        return (output.detach(), leaf.grad!.detach(), weight.grad!.detach());
    }
}
