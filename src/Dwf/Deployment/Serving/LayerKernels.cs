using System;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>Builds the sparse kernel of a Linear or Conv2d module, with a following BatchNorm folded in.</summary>
internal static class LayerKernels
{
    /// <summary>Why the sparse kernels cannot run <paramref name="module"/>, or null if they can.</summary>
    public static string? Unsupported(nn.Module module) => module switch
    {
        Linear => null,
        Conv2d c when c.padding_mode != TorchSharp.PaddingModes.Zeros => $"padding mode {c.padding_mode}: the sparse convolution pads with zeros only",
        Conv2d => null,
        Convolution c when c.transposed => "transposed convolutions have no sparse kernel",
        Convolution => $"{module.GetType().Name} has no sparse kernel (Conv2d does)",
        Bilinear => "Bilinear has no sparse kernel",
        _ => $"{module.GetType().Name} has no sparse kernel",
    };

    /// <summary>Weight layers: the ones DWF factorizes and whose zeros sparse inference should use.</summary>
    public static bool IsWeightLayer(nn.Module module) => module is Linear or Convolution or Bilinear;

    /// <summary>Whether <paramref name="norm"/> can be folded into a layer with <paramref name="channels"/> outputs.</summary>
    public static bool CanFold(nn.Module layer, nn.Module norm, long channels) => (layer, norm) switch
    {
        (Conv2d, BatchNorm2d bn) => Foldable(bn, channels),
        (Linear, BatchNorm1d bn) => Foldable(bn, channels),
        _ => false,
    };

    public static ILayerKernel Create(nn.Module layer, BatchNorm? norm)
    {
        switch (layer)
        {
            case Linear linear:
                var (weight, bias) = LinearWeights(linear, norm);
                return new SparseLinearKernel(weight, bias);
            case Conv2d conv:
                return new SparseConv2dKernel(ConvolutionWeights(conv, norm), checked((int)conv.in_channels));
            default:
                throw new NotSupportedException($"{layer.GetType().Name}: {Unsupported(layer)}.");
        }
    }

    /// <summary>A Linear layer's weights (a following BatchNorm1d folded in) as CSR rows and a bias.</summary>
    public static (CsrMatrix Weight, float[] Bias) LinearWeights(Linear linear, BatchNorm? norm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int rows = checked((int)linear.out_features), columns = checked((int)linear.in_features);
        var (weight, bias) = Fold(linear.weight, linear.bias, norm, rows);
        return (CsrMatrix.FromDense(tensor(weight, new long[] { rows, columns })), bias);
    }

    /// <summary>A Conv2d layer (a following BatchNorm2d folded in) as a sparse convolution.</summary>
    public static SparseConvolution ConvolutionWeights(Conv2d conv, BatchNorm? norm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int outChannels = checked((int)conv.out_channels);
        var (weight, bias) = Fold(conv.weight, conv.bias, norm, outChannels);
        return new SparseConvolution(
            weight, bias, outChannels, checked((int)conv.in_channels), checked((int)conv.groups),
            checked((int)conv.kernel_size[0]), checked((int)conv.kernel_size[1]),
            ((int)conv.stride[0], (int)conv.stride[1]), ((int)conv.dilation[0], (int)conv.dilation[1]), Padding(conv));
    }

    private static bool Foldable(BatchNorm bn, long channels) =>
        bn.num_features == channels && bn.running_mean is not null && bn.running_var is not null;

    // W'[o, …] = W[o, …]·s[o], b'[o] = (b[o] − mean[o])·s[o] + β[o], s = γ/√(var + ε); computed in double.
    private static (float[] Weight, float[] Bias) Fold(Tensor weight, Tensor? bias, BatchNorm? norm, int outputs)
    {
        var w = SparseStageFactory.Floats(weight, 0);
        var b = SparseStageFactory.Floats(bias, outputs);
        if (norm is null)
        {
            return (w, b);
        }

        var (mean, scale, beta) = Statistics(norm);
        int perOutput = w.Length / outputs;
        for (int o = 0; o < outputs; o++)
        {
            for (int i = o * perOutput; i < (o + 1) * perOutput; i++)
            {
                w[i] = (float)(w[i] * scale[o]);
            }

            b[o] = (float)(((b[o] - mean[o]) * scale[o]) + beta[o]);
        }

        return (w, b);
    }

    /// <summary>A BatchNorm in eval mode as y = x·scale + shift per channel (computed in double).</summary>
    public static (float[] Scale, float[] Shift) Affine(BatchNorm norm)
    {
        var (mean, scale, beta) = Statistics(norm);
        var scales = new float[mean.Length];
        var shifts = new float[mean.Length];
        for (int c = 0; c < mean.Length; c++)
        {
            scales[c] = (float)scale[c];
            shifts[c] = (float)(beta[c] - (mean[c] * scale[c]));
        }

        return (scales, shifts);
    }

    // Per channel, in double: the running mean, s = γ/√(var + ε) and β (γ = 1, β = 0 without affine parameters).
    private static (double[] Mean, double[] Scale, double[] Beta) Statistics(BatchNorm norm)
    {
        var mean = Doubles(norm.running_mean!);
        var variance = Doubles(norm.running_var!);
        var gamma = norm.weight is null ? null : Doubles(norm.weight);
        var beta = norm.bias is null ? new double[mean.Length] : Doubles(norm.bias);
        var scale = new double[mean.Length];
        for (int c = 0; c < mean.Length; c++)
        {
            scale[c] = (gamma?[c] ?? 1.0) / Math.Sqrt(variance[c] + norm.eps);
        }

        return (mean, scale, beta);
    }

    // Conv2d's own rule (TorchSharp's Convolution): explicit padding, or 'same' (left = total / 2), or 'valid'.
    private static (int Top, int Bottom, int Left, int Right) Padding(Conv2d conv)
    {
        if (conv.padding is { } explicitPadding)
        {
            return ((int)explicitPadding[0], (int)explicitPadding[0], (int)explicitPadding[1], (int)explicitPadding[1]);
        }

        if (conv.padding_type == TorchSharp.Padding.Same)
        {
            int totalH = (int)(conv.dilation[0] * (conv.kernel_size[0] - 1)), totalW = (int)(conv.dilation[1] * (conv.kernel_size[1] - 1));
            return (totalH / 2, totalH - (totalH / 2), totalW / 2, totalW - (totalW / 2));
        }

        return (0, 0, 0, 0);
    }

    private static double[] Doubles(Tensor t)
    {
        using var cpu = t.detach().to(ScalarType.Float64).cpu().contiguous();
        return cpu.data<double>().ToArray();
    }
}
