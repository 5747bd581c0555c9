using Dwf.Numerics;
using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Deployment;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Deployment;

/// <summary>
/// The comparison point for the C# kernels: Linear layers as TorchSharp sparse COO tensors multiplied with
/// libtorch's sparse × dense <c>mm</c> (TorchSharp 0.107 exposes COO, not CSR); convolutions stay dense
/// (libtorch has no sparse convolution on the CPU). Built from a chain, usually the compacted one.
/// </summary>
internal sealed class TorchSparseModel : nn.Module<Tensor, Tensor>
{
    private readonly LayerChain _chain;
    private readonly Dictionary<int, (Tensor Weight, Tensor? Bias)> _sparse = new();

    public TorchSparseModel(LayerChain chain)
        : base(nameof(TorchSparseModel))
    {
        _chain = chain;
        for (int i = 0; i < chain.Steps.Count; i++)
        {
            if (chain.Steps[i] is LinearStep linear)
            {
                var weight = linear.Layer.weight!.detach().to_sparse(); // from a dense tensor: already coalesced (sorted, no duplicate indices)
                var bias = linear.Layer.bias?.detach().clone();
                _sparse[i] = (weight.DetachFromDisposeScope(), bias?.DetachFromDisposeScope());
            }
        }

        RegisterComponents();
    }

    /// <summary>Indices (int64, 2 × nnz) and values of every sparse weight: what the form holds in memory.</summary>
    public IEnumerable<(string Key, Tensor Value)> Tensors()
    {
        foreach (var (index, (weight, bias)) in _sparse)
        {
            string name = _chain.Steps[index].Name;
            yield return ($"{name}.weight.indices", weight.SparseIndices);
            yield return ($"{name}.weight.values", weight.SparseValues);
            if (bias is not null)
            {
                yield return ($"{name}.bias", bias);
            }
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.alias();
        for (int i = 0; i < _chain.Steps.Count; i++)
        {
            var step = _chain.Steps[i];
            if (_sparse.TryGetValue(i, out var sparse))
            {
                // (W · xᵀ)ᵀ + b: libtorch's sparse (COO) × dense product.
                var y = sparse.Weight.mm(x.t()).t();
                x = sparse.Bias is null ? y : y.add(sparse.Bias, Scalars.One);
                continue;
            }

            x = step switch
            {
                Conv2dStep c => c.Layer.call(x),
                ActivationStep a => a.Kind == ActivationKind.ReLU ? nn.functional.relu(x) : throw new NotSupportedException(a.Kind.ToString()),
                MaxPool2dStep p => nn.functional.max_pool2d(x, p.KernelSize, p.Stride, p.Padding, p.Dilation, p.CeilMode),
                FlattenStep => x.flatten(1),
                SelectInputsStep s => s.Module.call(x),
                _ => throw new NotSupportedException(step.GetType().Name),
            };
        }

        return x.contiguous().MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (weight, bias) in _sparse.Values)
            {
                weight.Dispose();
                bias?.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
