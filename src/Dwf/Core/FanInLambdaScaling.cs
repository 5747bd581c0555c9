using System;
using System.Collections.Generic;
using System.Linq;

namespace Dwf.Core;

/// <summary>
/// <see cref="LambdaScaling.FanIn"/>: each weight's λ × (fan_in / the largest fan_in among the plan's weights)^(1/D).
/// </summary>
/// <remarks>
/// fan_in as <see cref="LayerCatalog.LayerFanIn"/> (a factorized bias uses its layer's weight). A weight of its
/// layer's initial scale σ ∝ fan_in^(-1/2) pays λ·σ^(2/D) ∝ λ·fan_in^(-1/D); this factor makes that the same for every
/// layer, so the penalty is measured in each layer's own units rather than in absolute ones.
/// </remarks>
internal static class FanInLambdaScaling
{
    public static IReadOnlyList<FactorizationTarget> Apply(IReadOnlyList<FactorizationTarget> targets, string planName)
    {
        if (targets.Count == 0)
        {
            return targets;
        }

        var fanIns = targets.Select(t => (double)LayerCatalog.LayerFanIn(t.Owner, t.ParameterName, t.Owner.get_parameter(t.ParameterName)!)).ToArray();
        double largest = fanIns.Max();
        return targets.Select((t, i) =>
        {
            double factor = Math.Pow(fanIns[i] / largest, 1.0 / t.Settings.Depth);
            return t with { Settings = t.Settings.WithLambda(t.Settings.Lambda * factor, $"{planName}.{t.Path}"), LambdaFactor = factor };
        }).ToList();
    }
}
