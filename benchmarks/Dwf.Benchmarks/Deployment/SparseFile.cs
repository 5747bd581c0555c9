using System.Collections.Generic;
using Dwf.Deployment;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Deployment;

/// <summary>
/// What the sparse form costs on disk: the CSR arrays of every weight layer (PyTorch's names: <c>crow_indices</c>,
/// <c>col_indices</c>, <c>values</c>; int32 indices; a convolution's weight as [out, in·kh·kw]) and the biases,
/// written as safetensors. <c>torch.sparse_csr_tensor(crow, col, values, size)</c> rebuilds each weight.
/// </summary>
internal static class SparseFile
{
    public static IReadOnlyList<(string Key, Tensor Value)> Tensors(LayerChain chain)
    {
        var tensors = new List<(string, Tensor)>();
        foreach (var step in chain.Steps)
        {
            var (weight, bias) = step switch
            {
                LinearStep l => (l.Layer.weight!.detach(), l.Layer.bias?.detach()),
                Conv2dStep c => (c.Layer.weight.detach().flatten(1), c.Layer.bias?.detach()),
                _ => (null, null),
            };
            if (step is SelectInputsStep select)
            {
                tensors.Add(($"{step.Name}.index", tensor(select.Module.Kept)));
            }

            if (weight is null)
            {
                continue;
            }

            var csr = CsrMatrix.FromDense(weight);
            tensors.Add(($"{step.Name}.weight.crow_indices", tensor(csr.RowStarts.ToArray())));
            tensors.Add(($"{step.Name}.weight.col_indices", tensor(csr.ColumnIndices.ToArray())));
            tensors.Add(($"{step.Name}.weight.values", tensor(csr.Values.ToArray())));
            if (bias is not null)
            {
                tensors.Add(($"{step.Name}.bias", bias));
            }
        }

        return tensors;
    }
}
