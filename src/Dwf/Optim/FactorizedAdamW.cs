using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// TorchSharp's <see cref="AdamW"/> for a factorized module: factor groups by depth and λ with decoupled weight
/// decay 2λ/D, one group for the other parameters.
/// </summary>
public sealed class FactorizedAdamW : AdamW, IFactorizedOptimizer
{
    private readonly FactorizationStepper _stepper;

    internal FactorizedAdamW(ParameterLayout layout, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool penaltyAsWeightDecay)
        : base(
            layout.FactorGroups
                .Select(g => new ParamGroup(g.Parameters, lr: g.LearningRate, beta1: beta1, beta2: beta2, eps: eps, weight_decay: penaltyAsWeightDecay ? FactorizationStepper.PenaltyWeightDecay(g.Lambda, g.Depth) : 0.0, amsgrad: amsgrad))
                .Append(new ParamGroup(layout.DenseParameters, lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weightDecay, amsgrad: amsgrad))
                .ToList(),
            lr,
            beta1,
            beta2,
            eps,
            weightDecay,
            amsgrad)
    {
        _stepper = new FactorizationStepper(layout, penaltyAsWeightDecay, SetFactorGroupWeightDecay);
    }

    Factorization IFactorizedOptimizer.Owner => _stepper.Layout.Owner;

    // AdamW's decay is decoupled from its moments: a dying factor shrinks by lr·wd per step, without momentum's amplification.
    IReadOnlyList<(int Depth, double LearningRate, double StepAmplification)> IFactorizedOptimizer.FactorGroupRates() =>
        _stepper.Layout.FactorGroups.Select((g, i) => (g.Depth, ((ParamGroup)_parameter_groups[i]).Options.LearningRate!.Value, 1.0)).ToList();

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
    public override void zero_grad() => _stepper.ZeroGradients(base.zero_grad);

    private void SetFactorGroupWeightDecay(int group, double weightDecay) =>
        ((ParamGroup)_parameter_groups[group]).Options.weight_decay = weightDecay;
}
