using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Numerics;

/// <summary>
/// One operation of the native backend, checked by computing it in float32 and in float64 from the same
/// float32 data. libtorch's float64 kernels do not go through oneDNN, so they are an independent reference.
/// </summary>
internal sealed class NumericsProbe
{
    private readonly long[] _inputShape;
    private readonly long[] _weightShape;
    private readonly Func<Tensor, Tensor, Tensor> _operation;

    /// <param name="name">Shown in notices, e.g. <c>conv2d 20→50 k5</c>.</param>
    /// <param name="inputShape">Shape of the input.</param>
    /// <param name="weightShape">Shape of the weight (drawn from N(0, 0.1²)).</param>
    /// <param name="operation">The operation on (input, weight), in whatever dtype they come.</param>
    public NumericsProbe(string name, long[] inputShape, long[] weightShape, Func<Tensor, Tensor, Tensor> operation)
    {
        Name = name;
        _inputShape = inputShape;
        _weightShape = weightShape;
        _operation = operation;
    }

    public string Name { get; }

    /// <summary>
    /// Measures the probe. Random data comes from <paramref name="generator"/>, never from TorchSharp's
    /// process-wide generator, so a check does not shift the random numbers of the user's seeded run.
    /// </summary>
    public ProbeResult Measure(Generator generator)
    {
        using var scope = NewDisposeScope();
        using var gradients = enable_grad();
        var input = randn(_inputShape, generator: generator);
        using var weightScale = 0.1.ToScalar();
        var weight = randn(_weightShape, generator: generator).mul_(weightScale);

        var input32 = input.requires_grad_(true);
        var output32 = _operation(input32, weight);
        var outputGradient = randn(output32.shape, generator: generator);
        autograd.backward(new[] { output32 }, new[] { outputGradient });

        var input64 = input.detach().to(float64).requires_grad_(true);
        var output64 = _operation(input64, weight.to(float64));
        autograd.backward(new[] { output64 }, new[] { outputGradient.to(float64) });

        return new ProbeResult(Name, RelativeError(output32, output64), RelativeError(input32.grad!, input64.grad!));
    }

    // max |a − b| / max |b|, in float64; NaN when a holds a NaN or ±∞ (a broken kernel may give either).
    private static double RelativeError(Tensor actual, Tensor reference)
    {
        var a = actual.detach().to(float64);
        if (!a.isfinite().all().item<bool>())
        {
            return double.NaN;
        }

        double scale = reference.abs().max().item<double>();
        return a.sub(reference).abs().max().item<double>() / Math.Max(scale, 1e-30);
    }
}
