using System;
using System.Globalization;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Support;

/// <summary>Tensor comparisons with stated tolerances.</summary>
internal static class TensorAssert
{
    /// <summary>max|a − b| / max(max|b|, tiny) ≤ tolerance.</summary>
    public static void RelativelyClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = RelativeError(expected, actual);
        Assert.True(
            error <= tolerance,
            string.Create(CultureInfo.InvariantCulture, $"{what}: relative error {error:G3} exceeds {tolerance:G3}"));
    }

    public static double RelativeError(Tensor expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var e = expected.detach().to(float64);
        var a = actual.detach().to(float64);
        double scale = Math.Max(e.abs().max().item<double>(), 1e-300);
        return e.sub(a).abs().max().item<double>() / scale;
    }

    public static double MaxAbs(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to(float64).abs().max().item<double>();
    }
}
