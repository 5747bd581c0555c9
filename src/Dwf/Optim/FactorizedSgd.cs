using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Core;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// TorchSharp's <see cref="SGD"/> for a factorized module: factor groups by depth (weight decay 2λ/D,
/// depth-aware learning rate) and one group for the other parameters. <c>zero_grad()</c>, <c>step()</c>,
/// parameter groups, state dicts and learning-rate schedulers work as for plain SGD.
/// </summary>
/// <remarks>
/// On the CPU, each factorized weight is updated by one fused pass (chain rule, SGD update of every
/// factor, W = ⊙ w_d); the factors' momentum buffers are the ordinary SGD state, so
/// <c>save_state_dict</c>/<c>load_state_dict</c> keep working. Elsewhere (GPU, other dtypes) the same
/// update runs as tensor operations. Factor gradients that arrive through autograd (when the penalty is
/// added to the loss) are included and then cleared.
/// </remarks>
public sealed class FactorizedSgd : SGD
{
    private readonly FactorizationStepper _stepper;
    private readonly FusedFactorSgd _kernel = new();
    private readonly List<FactorizedWeight> _generalPath = new();

    internal FactorizedSgd(ParameterLayout layout, double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool penaltyAsWeightDecay)
        : base(
            layout.FactorGroups
                .Select(g => new ParamGroup(g.Parameters, lr: g.LearningRate, momentum: momentum, dampening: dampening, weight_decay: penaltyAsWeightDecay ? FactorizationStepper.PenaltyWeightDecay(g.Lambda, g.Depth) : 0.0, nesterov: nesterov))
                .Append(new ParamGroup(layout.DenseParameters, lr: lr, momentum: momentum, dampening: dampening, weight_decay: weightDecay, nesterov: nesterov))
                .ToList(),
            lr,
            momentum,
            dampening,
            weightDecay,
            nesterov)
    {
        _stepper = new FactorizationStepper(layout, penaltyAsWeightDecay, SetFactorGroupWeightDecay);
    }

    /// <summary>Number of factor groups; they come first in the parameter groups, the dense group last.</summary>
    public int FactorGroupCount => _stepper.Layout.FactorGroups.Count;

    /// <summary>Depth of the factor group at <paramref name="index"/>.</summary>
    public int FactorGroupDepth(int index) => _stepper.Layout.FactorGroups[index].Depth;

    /// <summary>Use the fused CPU kernel where possible (default true); false forces the general path (for tests and benchmarks).</summary>
    public bool UseFusedKernel { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enableGrad = enable_grad();
            loss = closure();
        }

        _stepper.Prepare();
        _generalPath.Clear();
        var groups = _stepper.Layout.FactorGroups;
        for (int g = 0; g < groups.Count; g++)
        {
            var options = ((ParamGroup)_parameter_groups[g]).Options;
            var hyper = new SgdHyperparameters(options.LearningRate!.Value, options.momentum!.Value, options.dampening!.Value, options.weight_decay!.Value, options.nesterov!.Value, options.maximize!.Value);
            foreach (var weight in groups[g].Weights)
            {
                if (!(UseFusedKernel && TryFusedStep(weight, hyper)))
                {
                    ProductRule.AccumulateFactorGradients(weight);
                    _generalPath.Add(weight);
                }
            }
        }

        // The dense group, and the factors of weights that took the general path (fused factors have no gradient).
        base.step();
        foreach (var weight in _generalPath)
        {
            ProductRule.Rematerialize(weight);
        }

        return loss!;
    }

    /// <inheritdoc/>
    public override void zero_grad()
    {
        base.zero_grad();
        _stepper.ZeroLayerGradients();
    }

    private bool TryFusedStep(FactorizedWeight weight, SgdHyperparameters hyper)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layerWeight = weight.Weight;
        var gradient = layerWeight.grad;
        if (gradient is null)
        {
            return false; // unused layer: the general path leaves it alone, as SGD does
        }

        int depth = weight.Depth;
        Span<Tensor> factors = new Tensor[depth];
        for (int d = 0; d < depth; d++)
        {
            factors[d] = weight.Factor(d);
        }

        if (!FusedFactorSgd.Supports(layerWeight, gradient, factors))
        {
            return false;
        }

        var buffers = new Tensor[depth];
        bool first = false;
        if (hyper.Momentum != 0)
        {
            int missing = 0;
            for (int d = 0; d < depth; d++)
            {
                var state = (State)_state[factors[d].Handle];
                if (state.momentum_buffer is null)
                {
                    missing++;
                }
                else if (!state.momentum_buffer.is_contiguous() || state.momentum_buffer.dtype != layerWeight.dtype || state.momentum_buffer.device_type != DeviceType.CPU)
                {
                    return false;
                }
            }

            if (missing != 0 && missing != depth)
            {
                return false; // partially loaded state: let the general path apply SGD's own rules
            }

            first = missing == depth;
            for (int d = 0; d < depth; d++)
            {
                var state = (State)_state[factors[d].Handle];
                if (first)
                {
                    state.momentum_buffer = zeros_like(factors[d]).DetachFromDisposeScope();
                }

                buffers[d] = state.momentum_buffer;
            }
        }

        var extras = new Tensor?[depth];
        for (int d = 0; d < depth; d++)
        {
            var extra = factors[d].grad;
            if (extra is not null && !(extra.is_contiguous() && extra.dtype == layerWeight.dtype))
            {
                return false;
            }

            extras[d] = extra;
        }

        _kernel.Step(layerWeight, gradient, factors, buffers, extras, first, hyper);

        // Consumed: without a gradient the base optimizer leaves these factors alone.
        for (int d = 0; d < depth; d++)
        {
            if (extras[d] is not null)
            {
                ((Parameter)factors[d]).grad = null;
            }
        }

        return true;
    }

    private void SetFactorGroupWeightDecay(int group, double weightDecay) =>
        ((ParamGroup)_parameter_groups[group]).Options.weight_decay = weightDecay;
}
