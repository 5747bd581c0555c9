using System;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Core;

/// <summary>
/// What the fused kernel needs of one factorized weight, kept between steps: the parameter objects and
/// the addresses of their data and of the momentum buffers. Valid while the very same objects are
/// registered (a <c>.to()</c>, a re-factorization or loading optimizer state replaces them, and the
/// binding is rebuilt); only the layer's gradient, which autograd may re-create, is looked up every step.
/// </summary>
internal sealed class FusedWeightBinding
{
    public FusedWeightBinding(Parameter weight, Parameter[] factors, Tensor?[] buffers)
    {
        Weight = weight;
        WeightData = FusedFactorSgd.Address(weight);
        Factors = factors;
        FactorData = Array.ConvertAll(factors, FusedFactorSgd.Address);
        Buffers = buffers;
        BufferData = Array.ConvertAll(buffers, b => b is null ? IntPtr.Zero : FusedFactorSgd.Address(b));
        Count = weight.numel();
        IsDouble = weight.dtype == ScalarType.Float64;
    }

    public Parameter Weight { get; }

    public IntPtr WeightData { get; }

    public Parameter[] Factors { get; }

    public IntPtr[] FactorData { get; }

    public Tensor?[] Buffers { get; }

    public IntPtr[] BufferData { get; }

    public long Count { get; }

    public bool IsDouble { get; }

    /// <summary>True if <paramref name="weight"/> and its factors and buffers are still the objects bound here.</summary>
    public bool Matches(FactorizedWeight weight, Func<Parameter, Tensor?> buffer)
    {
        if (!ReferenceEquals(Weight, weight.Weight) || Factors.Length != weight.Depth)
        {
            return false;
        }

        for (int d = 0; d < Factors.Length; d++)
        {
            var factor = weight.Factor(d);
            if (!ReferenceEquals(Factors[d], factor) || !ReferenceEquals(Buffers[d], buffer(factor)))
            {
                return false;
            }
        }

        return true;
    }
}
