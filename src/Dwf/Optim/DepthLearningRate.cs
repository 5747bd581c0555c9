using System;
using System.Collections.Generic;
using System.Globalization;

namespace Dwf;

/// <summary>
/// The depth-aware learning-rate rule: factor groups of depth D train with
/// <c>lr × Multiplier(D)</c>, dense parameters with <c>lr</c>.
/// </summary>
/// <remarks>
/// Why depth matters: a balanced factorized weight moves as dW/dt = −D·|W|^(2−2/D)·∂L/∂W, so at the
/// magnitudes of typical weights (|W| ≪ 1) the effective step shrinks as D grows and factorized networks
/// need larger learning rates than dense ones. No closed form is published; the multipliers are set from
/// the learning-rate × D × λ sweep committed in <c>docs/results/lr-sweep</c>.
/// </remarks>
public static class DepthLearningRate
{
    private static readonly object Gate = new();

    /// <summary>The committed default multipliers by depth (depths not listed use the largest listed depth's).</summary>
    public static IReadOnlyDictionary<int, double> DefaultMultipliers { get; } = new Dictionary<int, double>
    {
        [2] = 1.0,
        [3] = 1.0,
        [4] = 1.0,
    };

    // Declared after DefaultMultipliers: static initializers run in textual order.
    private static IReadOnlyDictionary<int, double> _multipliers = DefaultMultipliers;

    /// <summary>The multiplier for depth <paramref name="depth"/>.</summary>
    public static double Multiplier(int depth)
    {
        FactorizationSettings.ValidateDepth(depth, nameof(DepthLearningRate));
        var table = _multipliers;
        if (table.TryGetValue(depth, out double value))
        {
            return value;
        }

        int nearest = 0;
        foreach (var key in table.Keys)
        {
            if (key <= depth && key > nearest)
            {
                nearest = key;
            }
        }

        return nearest > 0 ? table[nearest] : 1.0;
    }

    /// <summary>Replaces the multipliers process-wide (for sweeps); <c>null</c> restores the defaults.</summary>
    public static void Configure(IReadOnlyDictionary<int, double>? multipliers)
    {
        if (multipliers is not null)
        {
            foreach (var (depth, value) in multipliers)
            {
                if (depth < 2 || !double.IsFinite(value) || value <= 0)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(multipliers),
                        $"Learning-rate multiplier for depth {depth.ToString(CultureInfo.InvariantCulture)} must be finite and > 0, and depths ≥ 2; got {value.ToString("R", CultureInfo.InvariantCulture)}.");
                }
            }
        }

        lock (Gate)
        {
            _multipliers = multipliers is null ? DefaultMultipliers : new Dictionary<int, double>(multipliers);
        }
    }
}
