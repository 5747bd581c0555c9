using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>The probe input of <see cref="SparseForward"/>'s checks and the comparison it applies.</summary>
internal static class Probe
{
    /// <summary>A standard-normal batch of <see cref="SparseForwardOptions.ProbeBatch"/> samples from a private generator.</summary>
    public static Tensor Input(long[] inputShape, SparseForwardOptions options)
    {
        var generator = new Generator((ulong)options.ProbeSeed);
        return randn(new[] { (long)options.ProbeBatch }.Concat(inputShape).ToArray(), dtype: ScalarType.Float32, generator: generator);
    }

    /// <summary>max |actual − expected| / max |expected|; +∞ for other shapes or non-finite values.</summary>
    public static double RelativeDifference(Tensor expected, Tensor actual)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
        {
            return double.PositiveInfinity;
        }

        using var scope = NewDisposeScope();
        double scale = expected.abs().max().to(ScalarType.Float64).item<double>();
        double difference = expected.sub(actual).abs().max().to(ScalarType.Float64).item<double>();
        double relative = difference / Math.Max(scale, 1e-30);
        return double.IsFinite(relative) ? relative : double.PositiveInfinity;
    }

    /// <summary>The same for a chain-path form, against the model's dense forward.</summary>
    public static double RelativeDifference(nn.Module<Tensor, Tensor> model, long[] inputShape, SparseForwardOptions options, Func<Tensor, Tensor> sparse)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var probe = Input(inputShape, options);
        return RelativeDifference(model.call(probe), sparse(probe));
    }
}
