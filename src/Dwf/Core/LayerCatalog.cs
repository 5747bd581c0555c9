using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>Which parameters of which TorchSharp layers are factorized, and their default init std.</summary>
internal static class LayerCatalog
{
    /// <summary>Layers whose weight is factorized by a class-level <c>[Factorize]</c>.</summary>
    public static bool IsFactorizedByDefault(nn.Module module) => module is Linear or Convolution or Bilinear;

    /// <summary>Layers factorized only when a field-level attribute (or an explicit plan entry) asks.</summary>
    public static bool IsOptIn(nn.Module module) => module is Embedding;

    /// <summary>Layers that must never be factorized: their weights are scales and shifts, not connections.</summary>
    public static bool IsNormalization(nn.Module module) =>
        module is BatchNorm1d or BatchNorm2d or BatchNorm3d or LayerNorm or GroupNorm
            or InstanceNorm1d or InstanceNorm2d or InstanceNorm3d or LocalResponseNorm;

    /// <summary>The parameters of <paramref name="module"/> (not of its children) to factorize.</summary>
    public static IEnumerable<string> EligibleParameters(nn.Module module, bool explicitOptIn, bool factorizeBias)
    {
        if (IsFactorizedByDefault(module) || (explicitOptIn && IsOptIn(module)))
        {
            if (module.get_parameter("weight") is not null)
            {
                yield return "weight";
            }

            if (factorizeBias && module.get_parameter("bias") is not null)
            {
                yield return "bias";
            }
        }
    }

    /// <summary>σ_w of the layer's own initialization (see <see cref="InitStd.LayerDefault"/>).</summary>
    public static double LayerDefaultStd(nn.Module owner, string parameterName, Tensor parameter)
    {
        switch (owner)
        {
            case Embedding when parameterName == "weight":
                return 1.0; // N(0, 1)
            case Bilinear:
                // TorchSharp (and PyTorch) draw weight and bias from U(-1/√in1, 1/√in1).
                return 1.0 / Math.Sqrt(3.0 * owner.get_parameter("weight")!.shape[1]);
            case Linear or Convolution:
                // kaiming_uniform(a = √5) for the weight, U(-1/√fan_in, 1/√fan_in) for the bias: both 1/√(3·fan_in).
                return 1.0 / Math.Sqrt(3.0 * FanIn(owner.get_parameter("weight")!));
            default:
                return EmpiricalStd(parameter);
        }
    }

    /// <summary>σ_w of He (Kaiming normal) initialization, √(2/fan_in).</summary>
    public static double HeStd(nn.Module owner, string parameterName, Tensor parameter) => Math.Sqrt(2.0 / LayerFanIn(owner, parameterName, parameter));

    /// <summary>
    /// The fan_in that sets a parameter's initial scale: its own, except a bias, which TorchSharp draws with its
    /// layer's weight's scale.
    /// </summary>
    public static long LayerFanIn(nn.Module owner, string parameterName, Tensor parameter)
    {
        var weight = owner.get_parameter("weight");
        return FanIn(parameterName == "bias" && weight is not null ? weight : parameter);
    }

    /// <summary>fan_in as PyTorch computes it: size(1) × receptive field; a 1-D tensor counts its length.</summary>
    public static long FanIn(Tensor tensor)
    {
        if (tensor.dim() < 2)
        {
            return Math.Max(1, tensor.numel());
        }

        long receptive = 1;
        for (int i = 2; i < tensor.dim(); i++)
        {
            receptive *= tensor.shape[i];
        }

        return Math.Max(1, tensor.shape[1] * receptive);
    }

    private static double EmpiricalStd(Tensor parameter)
    {
        if (parameter.numel() > 1)
        {
            using var std = parameter.detach().to(float64).std();
            double value = std.item<double>();
            if (value > 0 && double.IsFinite(value))
            {
                return value;
            }
        }

        return 1.0 / Math.Sqrt(3.0 * FanIn(parameter));
    }
}
