using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>
/// What a factorization-aware optimizer does around its ordinary update: before it, carry ∂L/∂W to the
/// factors and refresh the factor groups' weight decay from the current λ; after it, write W = ⊙ w_d.
/// </summary>
internal sealed class FactorizationStepper
{
    private readonly ParameterLayout _layout;
    private readonly Action<int, double> _setFactorGroupWeightDecay;
    private readonly bool _penaltyAsWeightDecay;
    private bool _checkedConsistency;

    public FactorizationStepper(ParameterLayout layout, bool penaltyAsWeightDecay, Action<int, double> setFactorGroupWeightDecay)
    {
        _layout = layout;
        _penaltyAsWeightDecay = penaltyAsWeightDecay;
        _setFactorGroupWeightDecay = setFactorGroupWeightDecay;
    }

    public ParameterLayout Layout => _layout;

    /// <summary>Weight decay 2λ/D that makes SGD minimize L + (λ/D)·Σ‖w_d‖².</summary>
    public static double PenaltyWeightDecay(double lambda, int depth) => 2.0 * lambda / depth;

    /// <summary>Checks, then refreshes the factor groups' weight decay; call before computing anything.</summary>
    public void Prepare()
    {
        EnsureUsable();
        if (!_checkedConsistency)
        {
            // Once per optimizer: catches weights loaded or edited between factorization and training.
            foreach (var weight in _layout.FactorGroups.SelectMany(g => g.Weights))
            {
                Factorization.EnsureWeightMatchesFactors(weight);
            }

            _checkedConsistency = true;
        }

        ObserveScaleInvariance();
        for (int g = 0; g < _layout.FactorGroups.Count; g++)
        {
            var group = _layout.FactorGroups[g];
            double lambda = group.Weights[0].Lambda;
            _setFactorGroupWeightDecay(g, _penaltyAsWeightDecay ? PenaltyWeightDecay(lambda, group.Depth) : 0.0);
        }
    }

    /// <summary>The general path: <see cref="Prepare"/>, then the chain rule for every weight.</summary>
    public void BeforeStep()
    {
        Prepare();
        foreach (var weight in _layout.FactorGroups.SelectMany(g => g.Weights))
        {
            ProductRule.AccumulateFactorGradients(weight);
        }
    }

    public void AfterStep()
    {
        foreach (var weight in _layout.FactorGroups.SelectMany(g => g.Weights))
        {
            ProductRule.Rematerialize(weight);
        }

        HoldScaleInvariantNorms();
    }

    /// <summary>
    /// Restores the norm of every weight found scale-invariant (<see cref="ScaleInvariance"/>); the last thing a step
    /// does, after W = ⊙ w_d has been written.
    /// </summary>
    public void HoldScaleInvariantNorms()
    {
        if (!_layout.Owner.HoldScaleInvariantNorms)
        {
            return;
        }

        foreach (var weight in _layout.FactorGroups.SelectMany(g => g.Weights))
        {
            weight.ScaleInvariance.Retract(weight, _layout.Owner.ScaleInvariantNormHold);
        }
    }

    // Before the step, while ∂L/∂W is on the layer: evidence for the weights not yet decided (the first steps only).
    private void ObserveScaleInvariance()
    {
        if (!_layout.Owner.HoldScaleInvariantNorms)
        {
            return;
        }

        foreach (var weight in _layout.FactorGroups.SelectMany(g => g.Weights))
        {
            if (weight.ScaleInvariance.IsInvariant is not null)
            {
                continue;
            }

            using var gradient = weight.Weight.grad;
            if (gradient is not null)
            {
                weight.ScaleInvariance.Observe(weight.Weight, gradient);
            }
        }
    }

    public void ZeroLayerGradients()
    {
        foreach (var weight in _layout.FactorGroups.SelectMany(g => g.Weights))
        {
            if (weight.IsCollapsed)
            {
                continue;
            }

            using var gradient = weight.Weight.grad;
            gradient?.zero_();
        }
    }

    /// <summary>
    /// The optimizer's <c>zero_grad()</c>: the base class's, then the layer weights' gradients. After a <c>.to()</c> the
    /// parameters held are disposed and TorchSharp says only "Tensor invalid -- empty handle": say what happened and what
    /// to do, keeping TorchSharp's exception as the inner one.
    /// </summary>
    public void ZeroGradients(Action zeroBaseGradients)
    {
        try
        {
            zeroBaseGradients();
        }
        catch (InvalidOperationException error)
        {
            EnsureUsable(error);
            throw;
        }

        ZeroLayerGradients();
    }

    /// <summary>Throws, saying what to do, when the optimizer's parameters are no longer the model's (collapse, .to(), re-factorization).</summary>
    public void EnsureUsable(Exception? cause = null)
    {
        foreach (var group in _layout.FactorGroups)
        {
            int index = 0;
            foreach (var weight in group.Weights)
            {
                if (weight.IsCollapsed)
                {
                    throw new InvalidOperationException(
                        $"The factorized weight '{weight.Path}' was collapsed after this optimizer was created. A collapsed model is an ordinary model: create a new optimizer for it (or call FactorizeFromCurrentWeights() and then CreateSgd/CreateAdamW).", cause);
                }

                for (int d = 0; d < weight.Depth; d++, index++)
                {
                    if (!ReferenceEquals(group.Parameters[index], weight.Factor(d)))
                    {
                        throw new InvalidOperationException(
                            $"The factors of '{weight.Path}' are not the parameters this optimizer was created with: the model was moved or converted with .to(...) (which replaces TorchSharp parameters), or re-factorized after the optimizer was created. Create the optimizer after moving the model.", cause);
                    }
                }
            }
        }
    }
}
