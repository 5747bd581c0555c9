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
/// magnitudes of typical weights (|W| ≪ 1) factorized networks need larger learning rates than dense ones,
/// while large weights move faster as D grows, which limits how large a rate stays stable. No closed form
/// is published; the multipliers come from the learning-rate × D × λ sweep on LeNet-300-100/MNIST
/// (40 epochs, base rate 0.1, <c>docs/results/lr-sweep-40/table.md</c>, reasoning in
/// <c>docs/learning-rate.md</c>): the factor rates 0.4 at D = 2, 0.5 at D = 3 and 0.2 at D = 4, all above
/// the dense 0.1. Higher rates compressed more in the sweep, but diverged inside the experiments' λ range
/// (D = 2 at 0.8 with λ = 8e-4; D = 4 at 0.4 with λ ≥ 8e-4 on Fashion-MNIST), and a default must not.
/// </remarks>
public static class DepthLearningRate
{
    private static readonly object Gate = new();

    /// <summary>The measured default multipliers by depth, for a base rate of about 0.1 (deeper than 4: the value for 4).</summary>
    /// <remarks>A sparser network keeps fewer, larger weights, and a large weight's effective step grows like
    /// |W|^(2−2/D): the stable rate falls with depth and with λ.</remarks>
    public static IReadOnlyDictionary<int, double> DefaultMultipliers { get; } = new Dictionary<int, double>
    {
        [2] = 4.0,
        [3] = 5.0,
        [4] = 2.0,
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
