using System;
using System.Collections.Generic;
using System.Linq;

namespace Dwf.Deployment;

/// <summary>
/// Decides, for every unit of every boundary of a chain, whether it is kept, removed as a constant (folded
/// into the next bias) or removed as unused. See <see cref="Compaction"/> for the rules.
/// </summary>
/// <remarks>
/// Monotone fixed point: units only ever leave the kept state, a constant's value never changes once set
/// (it depends only on inputs that were already constant), and each rule's condition can only become true
/// as other units are removed, so the iteration ends with every rule satisfied.
/// </remarks>
internal sealed class UnitPlan
{
    private readonly UnitState[] _inputs;
    private readonly UnitState[][] _outputs;
    private readonly double[][] _constants;

    private UnitPlan(UnitState[] inputs, UnitState[][] outputs, double[][] constants, bool inputsPruned)
    {
        _inputs = inputs;
        _outputs = outputs;
        _constants = constants;
        InputsPruned = inputsPruned;
    }

    private enum UnitState
    {
        Kept,
        Constant,
        Unused,
    }

    public bool InputsPruned { get; }

    public static UnitPlan Solve(LayerChain chain, WeightLayerView[] views, bool pruneInputs)
    {
        int layers = views.Length;
        var inputs = new UnitState[views[0].InputUnits];
        var outputs = views.Select(v => new UnitState[v.Outputs]).ToArray();
        var constants = views.Select(v => new double[v.Outputs]).ToArray();
        var segments = Enumerable.Range(0, layers).Select(l => ActivationsAfter(chain, views, l)).ToArray();

        bool changed;
        do
        {
            changed = false;
            if (pruneInputs)
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (inputs[i] == UnitState.Kept && !IsRead(views[0], outputs[0], i))
                    {
                        inputs[i] = UnitState.Unused;
                        changed = true;
                    }
                }
            }

            for (int l = 0; l < layers - 1; l++)
            {
                var view = views[l];
                var inStates = l == 0 ? inputs : outputs[l - 1];
                double[]? inConstants = l == 0 ? null : constants[l - 1];
                for (int j = 0; j < view.Outputs; j++)
                {
                    if (outputs[l][j] != UnitState.Kept)
                    {
                        continue;
                    }

                    if (ConstantValue(view, inStates, inConstants, j) is double pre)
                    {
                        double value = segments[l].Aggregate(pre, (x, step) => step.Apply(x));
                        if (!views[l + 1].ConstantInputsMustBeZero || value == 0.0)
                        {
                            outputs[l][j] = UnitState.Constant;
                            constants[l][j] = value;
                            changed = true;
                            continue;
                        }
                    }

                    if (!IsRead(views[l + 1], outputs[l + 1], j))
                    {
                        outputs[l][j] = UnitState.Unused;
                        changed = true;
                    }
                }
            }
        }
        while (changed);

        return new UnitPlan(inputs, outputs, constants, pruneInputs && inputs.Any(s => s != UnitState.Kept));
    }

    public long[] KeptInputs() => Kept(_inputs);

    public long[] KeptOutputs(int layer) => Kept(_outputs[layer]);

    public long[] KeptInputsOf(int layer) => layer == 0 ? (InputsPruned ? KeptInputs() : Enumerable.Range(0, _inputs.Length).Select(i => (long)i).ToArray()) : KeptOutputs(layer - 1);

    /// <summary>Bias of the kept outputs of <paramref name="layer"/> plus the contributions of its constant inputs.</summary>
    public double[] FoldedBias(int layer, WeightLayerView view, long[] keptOutputs)
    {
        var inStates = layer == 0 ? _inputs : _outputs[layer - 1];
        var result = new double[keptOutputs.Length];
        for (int k = 0; k < keptOutputs.Length; k++)
        {
            long o = keptOutputs[k];
            double sum = view.Bias[o];
            if (layer > 0)
            {
                for (int i = 0; i < inStates.Length; i++)
                {
                    if (inStates[i] == UnitState.Constant)
                    {
                        sum += _constants[layer - 1][i] * view.GroupSums[o * view.InputUnits + i];
                    }
                }
            }

            result[k] = sum;
        }

        return result;
    }

    public IReadOnlyList<BoundaryCompaction> Report(WeightLayerView[] views)
    {
        var report = new List<BoundaryCompaction>();
        if (InputsPruned)
        {
            report.Add(Boundary($"input → {views[0].Name}", _inputs));
        }

        for (int l = 0; l < views.Length - 1; l++)
        {
            report.Add(Boundary($"{views[l].Name} → {views[l + 1].Name}", _outputs[l]));
        }

        return report;
    }

    // The pre-activation of output j if it does not depend on any non-constant input, else null.
    private static double? ConstantValue(WeightLayerView view, UnitState[] inStates, double[]? inConstants, int j)
    {
        double pre = view.Bias[j];
        int row = j * view.InputUnits;
        for (int i = 0; i < view.InputUnits; i++)
        {
            if (!view.NonZero[row + i])
            {
                continue;
            }

            if (inStates[i] != UnitState.Constant)
            {
                return null;
            }

            pre += inConstants![i] * view.GroupSums[row + i];
        }

        return pre;
    }

    // Whether a kept or constant output of `next` reads input unit i with a non-zero weight.
    private static bool IsRead(WeightLayerView next, UnitState[] nextStates, int i)
    {
        for (int o = 0; o < next.Outputs; o++)
        {
            if (nextStates[o] != UnitState.Unused && next.NonZero[o * next.InputUnits + i])
            {
                return true;
            }
        }

        return false;
    }

    private static ActivationStep[] ActivationsAfter(LayerChain chain, WeightLayerView[] views, int layer)
    {
        int end = layer + 1 < views.Length ? views[layer + 1].StepIndex : chain.Steps.Count;
        return chain.Steps.Skip(views[layer].StepIndex + 1).Take(end - views[layer].StepIndex - 1).OfType<ActivationStep>().ToArray();
    }

    private static long[] Kept(UnitState[] states) =>
        states.Select((s, i) => (s, i)).Where(e => e.s == UnitState.Kept).Select(e => (long)e.i).ToArray();

    private static BoundaryCompaction Boundary(string name, UnitState[] states) => new(
        name,
        states.Length,
        states.Count(s => s == UnitState.Kept),
        states.Count(s => s == UnitState.Constant),
        states.Count(s => s == UnitState.Unused));
}
