using System;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf;

/// <summary>
/// One factorized parameter: the layer keeps its ordinary <see cref="Weight"/>, which always equals the
/// product of the D trained <see cref="Factor"/>s (the factors are the "master" parameters; the weight is
/// re-materialized after every optimizer step).
/// </summary>
/// <remarks>
/// Holds the owning module and the parameter's name, never the <c>Parameter</c> objects: TorchSharp's
/// <c>.to()</c> replaces parameters with new objects, so they are looked up on every access.
/// </remarks>
public sealed class FactorizedWeight
{
    private Core.FactorNode? _holder;

    internal FactorizedWeight(string path, nn.Module owner, string parameterName, FactorizationSettings settings, Core.FactorNode holder, double lambdaFactor = 1.0)
    {
        LambdaFactor = lambdaFactor;
        Path = path;
        Owner = owner;
        ParameterName = parameterName;
        Settings = settings;
        PlanLambda = settings.Lambda;
        _holder = holder;
        Shape = owner.get_parameter(parameterName)!.shape;
    }

    /// <summary>Dotted path of the weight below the module passed to <see cref="Factorization.Attach"/> (its state-dict key).</summary>
    public string Path { get; }

    /// <summary>The layer that owns the weight.</summary>
    public nn.Module Owner { get; }

    /// <summary>The weight's name on its layer (<c>weight</c> or <c>bias</c> for TorchSharp layers).</summary>
    public string ParameterName { get; }

    /// <summary>The weight's shape.</summary>
    public long[] Shape { get; }

    /// <summary>Number of entries of the weight.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The resolved settings (depth, λ, initialization).</summary>
    public FactorizationSettings Settings { get; internal set; }

    /// <summary>
    /// λ as the plan gave it, whatever <see cref="Factorization.SetLambda"/> or a <see cref="CompressionController"/>
    /// made of it since: the base every controller scales, so two controllers on one model do not compound.
    /// </summary>
    internal double PlanLambda { get; }

    /// <summary>
    /// This weight's share of the model's λ: 1, or (fan_in / largest fan_in)^(1/D) under <see cref="LambdaScaling.FanIn"/>.
    /// <see cref="Factorization.SetLambda"/> sets λ × this factor, so the ratios between layers stay.
    /// </summary>
    public double LambdaFactor { get; }

    /// <summary>Number of factors D.</summary>
    public int Depth => Settings.Depth;

    /// <summary>Penalty strength λ of this weight.</summary>
    public double Lambda => Settings.Lambda;

    /// <summary>True once <see cref="Factorization.Collapse"/> removed the factors; the layer weight is then ordinary.</summary>
    public bool IsCollapsed => _holder is null;

    /// <summary>The layer's current weight parameter (materialized product while factorized).</summary>
    public Parameter Weight => Owner.get_parameter(ParameterName)
        ?? throw new InvalidOperationException($"The parameter '{Path}' is no longer registered on its layer; was it replaced or removed after factorization?");

    /// <summary>Factor <paramref name="index"/> (0-based) as currently registered in the factor store.</summary>
    public Parameter Factor(int index)
    {
        var holder = _holder ?? throw new InvalidOperationException(
            $"'{Path}' has been collapsed and has no factors any more. Call FactorizeFromCurrentWeights() to factorize it again.");
        if ((uint)index >= (uint)Depth)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Path}' has {Depth} factors.");
        }

        return holder.get_parameter(index.ToString(CultureInfo.InvariantCulture))
            ?? throw new InvalidOperationException($"Factor {index} of '{Path}' is missing from the factor store.");
    }

    /// <summary>The product ⊙_d w_d, computed fresh (no autograd history).</summary>
    public Tensor Product()
    {
        using var noGrad = no_grad();
        var product = Factor(0).detach().clone();
        for (int d = 1; d < Depth; d++)
        {
            product.mul_(Factor(d));
        }

        return product;
    }

    /// <summary>
    /// Whether the loss cannot see this weight's scale (it feeds a normalization layer such as BatchNorm and nothing
    /// else): <c>true</c> once its first gradients showed it, <c>false</c> once they showed otherwise, <c>null</c> before
    /// the first steps of training. While <see cref="Factorization.HoldScaleInvariantNorms"/> is on, no output channel of
    /// such a weight falls below the norm it started with (or, with <see cref="NormHold.Exactly"/>, leaves it;
    /// docs/normalization.md).
    /// </summary>
    public bool? IsScaleInvariant => ScaleInvariance.IsInvariant;

    internal Core.ScaleInvariance ScaleInvariance { get; } = new();

    internal Core.FactorNode? Holder => _holder;

    internal void Detach() => _holder = null;

    internal void Reattach(Core.FactorNode holder) => _holder = holder;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Path} [{string.Join("×", Shape.Select(s => s.ToString(CultureInfo.InvariantCulture)))}] D={Depth.ToString(CultureInfo.InvariantCulture)} λ={Lambda.ToString("G4", CultureInfo.InvariantCulture)}{(IsCollapsed ? " (collapsed)" : string.Empty)}";
}
