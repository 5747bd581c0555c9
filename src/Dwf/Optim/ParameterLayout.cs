using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Core;

/// <summary>One optimizer group of factors: all factors of weights with the same depth and λ.</summary>
internal sealed record FactorGroupLayout(int Depth, double Lambda, double LearningRate, IReadOnlyList<FactorizedWeight> Weights, IReadOnlyList<Parameter> Parameters);

/// <summary>
/// How a factorized module's parameters split into optimizer groups: factor groups by (D, λ), and the
/// remaining trainable parameters (biases, norm layers, [Dense] layers) in one dense group. The
/// factorized layer weights themselves are in no group: they are derived from the factors.
/// </summary>
internal sealed record ParameterLayout(IReadOnlyList<FactorGroupLayout> FactorGroups, IReadOnlyList<Parameter> DenseParameters, Factorization Owner)
{
    public static ParameterLayout Build(Factorization factorization, double lr)
    {
        var active = factorization.Weights.Where(w => !w.IsCollapsed).ToList();
        var excluded = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var weight in active)
        {
            excluded.Add(weight.Weight);
            for (int d = 0; d < weight.Depth; d++)
            {
                excluded.Add(weight.Factor(d));
            }
        }

        var groups = active
            .GroupBy(w => (w.Depth, w.Lambda))
            .OrderBy(g => g.Key.Depth)
            .ThenBy(g => g.Key.Lambda)
            .Select(g =>
            {
                var weights = g.ToList();
                var parameters = weights.SelectMany(w => Enumerable.Range(0, w.Depth).Select(w.Factor)).ToList();
                return new FactorGroupLayout(g.Key.Depth, g.Key.Lambda, lr * DepthLearningRate.Multiplier(g.Key.Depth), weights, parameters);
            })
            .ToList();

        var dense = factorization.Module.parameters()
            .Where(p => p.requires_grad && !excluded.Contains(p))
            .ToList();
        return new ParameterLayout(groups, dense, factorization);
    }
}
