using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Data;

/// <summary>
/// Per-channel normalization x ↦ (x − mean) / std of images already scaled to [0, 1].
/// </summary>
/// <remarks>
/// <para>The built-in constants are the population mean and standard deviation of every pixel of the
/// 60 000 training images, scaled to [0, 1] by dividing by 255:</para>
/// <list type="bullet">
/// <item><description>MNIST: mean 0.1307, std 0.3081 (computed here: 0.130660, 0.308108).</description></item>
/// <item><description>Fashion-MNIST: mean 0.2860, std 0.3530 (computed here: 0.286041, 0.353024).</description></item>
/// </list>
/// <para>The MNIST test recomputes them from the real training set with <see cref="Compute"/>.
/// For CIFAR no constants are built in (no copy of the data was available to verify published
/// values); compute them from the training set with <see cref="Compute"/> and apply them to both
/// splits.</para>
/// </remarks>
public sealed class Normalization
{
    private readonly double[] _mean;
    private readonly double[] _std;

    /// <summary>Per-channel normalization; <paramref name="mean"/> and <paramref name="std"/> have one entry per channel.</summary>
    /// <exception cref="ArgumentException">The lists are empty, differ in length, or a std is not positive and finite.</exception>
    public Normalization(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Need one mean and one std per channel; got {mean.Count} mean(s) and {std.Count} std(s)."),
                nameof(std));
        }

        if (mean.Any(m => !double.IsFinite(m)) || std.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentException("Means must be finite and standard deviations finite and positive.", nameof(std));
        }

        _mean = mean.ToArray();
        _std = std.ToArray();
    }

    /// <summary>Single-channel normalization.</summary>
    public Normalization(double mean, double std)
        : this(new[] { mean }, new[] { std })
    {
    }

    /// <summary>MNIST: mean 0.1307, std 0.3081 (training set, pixels / 255).</summary>
    public static Normalization Mnist { get; } = new(0.1307, 0.3081);

    /// <summary>Fashion-MNIST: mean 0.2860, std 0.3530 (training set, pixels / 255).</summary>
    public static Normalization FashionMnist { get; } = new(0.2860, 0.3530);

    /// <summary>Per-channel means.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Per-channel standard deviations.</summary>
    public IReadOnlyList<double> Std => _std;

    /// <summary>Number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>
    /// Normalizes <paramref name="images"/> [N, C, ...] in place (no copy of the data set) and returns it.
    /// </summary>
    /// <exception cref="ArgumentException">Not a floating-point tensor of rank ≥ 2 with <see cref="Channels"/> channels.</exception>
    public Tensor Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckImages(images, Channels);
        long[] broadcastShape = BroadcastShape(images);
        using var noGrad = no_grad();
        using var mean = tensor(_mean, dtype: images.dtype, device: images.device).reshape(broadcastShape);
        using var std = tensor(_std, dtype: images.dtype, device: images.device).reshape(broadcastShape);
        images.sub_(mean).div_(std);
        return images;
    }

    /// <summary>
    /// The per-channel population mean and standard deviation of <paramref name="images"/> [N, C, ...],
    /// accumulated in float64 over chunks of images (no float64 copy of the whole set).
    /// </summary>
    /// <exception cref="ArgumentException">Not a floating-point tensor of rank ≥ 2 with at least one element.</exception>
    public static Normalization Compute(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckImages(images, channels: null);
        long count = images.shape[0];
        long channels = images.shape[1];
        long[] reduceDims = Enumerable.Range(0, (int)images.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
        const long chunk = 4096;

        var sum = new double[channels];
        var sumOfSquares = new double[channels];
        using var noGrad = no_grad();
        for (long start = 0; start < count; start += chunk)
        {
            using var scope = NewDisposeScope();
            var part = images.narrow(0, start, Math.Min(chunk, count - start)).to(float64);
            double[] partSum = part.sum(reduceDims).cpu().data<double>().ToArray();
            double[] partSquares = part.square().sum(reduceDims).cpu().data<double>().ToArray();
            for (int c = 0; c < channels; c++)
            {
                sum[c] += partSum[c];
                sumOfSquares[c] += partSquares[c];
            }
        }

        double perChannel = (double)images.numel() / channels;
        var mean = new double[channels];
        var std = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            mean[c] = sum[c] / perChannel;
            std[c] = Math.Sqrt(Math.Max(sumOfSquares[c] / perChannel - mean[c] * mean[c], 0.0));
        }

        return new Normalization(mean, std);
    }

    /// <summary>E.g. "mean (0.1307), std (0.3081)", culture-invariant.</summary>
    public override string ToString()
    {
        static string Join(double[] values) => string.Join(", ", values.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));
        return $"mean ({Join(_mean)}), std ({Join(_std)})";
    }

    private long[] BroadcastShape(Tensor images)
    {
        var shape = Enumerable.Repeat(1L, (int)images.dim()).ToArray();
        shape[1] = Channels;
        return shape;
    }

    private static void CheckImages(Tensor images, int? channels)
    {
        if (!images.is_floating_point() || images.dim() < 2 || images.numel() == 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected a non-empty floating-point tensor [N, C, ...]; got {images.dtype} of shape [{string.Join(", ", images.shape)}]."),
                nameof(images));
        }

        if (channels is int expected && images.shape[1] != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The normalization has {expected} channel(s) but the images have {images.shape[1]} (shape [{string.Join(", ", images.shape)}])."),
                nameof(images));
        }
    }
}
