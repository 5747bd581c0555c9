using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Tests.Deployment;

/// <summary>Makes collapsed-looking models for the deployment tests: exact zeros, dead rows and columns.</summary>
internal static class Sparsify
{
    /// <summary>Sets entries with |w| below the given quantile of |w| to exactly zero (per tensor).</summary>
    public static void ZeroSmallest(Tensor weight, double fraction)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var magnitude = weight.detach().abs().flatten();
        var threshold = magnitude.sort().Values[(long)(fraction * (magnitude.shape[0] - 1))];
        weight.masked_fill_(weight.abs().le(threshold), 0.0);
    }

    /// <summary>Zeroes slices weight[index] along <paramref name="dim"/> (0: a unit's incoming weights, 1: its outgoing ones).</summary>
    public static void ZeroSlices(Tensor weight, int dim, IEnumerable<long> indices)
    {
        using var noGrad = no_grad();
        foreach (long i in indices)
        {
            using var slice = weight.select(dim, i);
            slice.zero_();
        }
    }

    public static Tensor Parameter(nn.Module module, string name) =>
        module.named_parameters().Single(p => p.name == name).parameter;
}
