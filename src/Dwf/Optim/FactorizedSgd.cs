using System;
using System.Linq;
using Dwf.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// TorchSharp's <see cref="SGD"/> for a factorized module: factor groups by depth (weight decay 2λ/D,
/// depth-aware learning rate) and one group for the other parameters. <c>zero_grad()</c>, <c>step()</c>,
/// parameter groups, state dicts and learning-rate schedulers work as for plain SGD.
/// </summary>
public sealed class FactorizedSgd : SGD
{
    private readonly FactorizationStepper _stepper;

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

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enableGrad = enable_grad();
            loss = closure();
        }

        _stepper.BeforeStep();
        base.step();
        _stepper.AfterStep();
        return loss!;
    }

    /// <inheritdoc/>
    public override void zero_grad()
    {
        base.zero_grad();
        _stepper.ZeroLayerGradients();
    }

    private void SetFactorGroupWeightDecay(int group, double weightDecay) =>
        ((ParamGroup)_parameter_groups[group]).Options.weight_decay = weightDecay;
}
