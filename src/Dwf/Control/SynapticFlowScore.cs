using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// SynFlow's score (Tanaka et al., NeurIPS 2020) for <see cref="MaskScore.SynapticFlow"/>, of the network as it is:
/// every parameter and buffer taken as its absolute value, every BatchNorm as its linear part |γ|/σ (running mean 0,
/// eval mode), R the sum of the outputs for an all-ones input; a weight scores |w · ∂R/∂w|. Computed on the live model
/// in place and restored exactly afterwards (values, training modes; gradients are not touched: ∂R/∂w comes from
/// autograd.grad, not backward).
/// </summary>
/// <remarks>
/// Why it fits layers before a BatchNorm: σ grows with the scale of the weights before it, so that scale, arbitrary
/// there, cancels; and the flow through every layer is the same total, so no layer is emptied (a layer with fewer
/// weights keeps a larger share of them).
/// </remarks>
internal static class SynapticFlowScore
{
    /// <summary>The scores of <paramref name="weights"/> (float64, each in its weight's shape and on its device; call inside a dispose scope).</summary>
    /// <param name="model">The whole model, factorized.</param>
    /// <param name="weights">The weights to score; every one must be used by the model's forward.</param>
    /// <param name="inputShape">The shape of the all-ones input, batch dimension (1) included.</param>
    public static List<Tensor> Of(nn.Module<Tensor, Tensor> model, IReadOnlyList<FactorizedWeight> weights, long[] inputShape)
    {
        // The factors are not read by the forward (the layers hold W = ⊙ w_d), so they are left alone.
        var state = model.state_dict()
            .Where(entry => entry.Value.is_floating_point() && !entry.Key.StartsWith(Factorization.StoreName + ".", StringComparison.Ordinal))
            .ToList();
        var modes = new[] { (Module: (nn.Module)model, model.training) }.Concat(model.modules().Select(m => (Module: m, m.training))).ToList();
        var saved = new List<Tensor>(state.Count);
        using (no_grad())
        {
            saved.AddRange(state.Select(entry => entry.Value.detach().clone()));
        }

        try
        {
            Linearize(state);
            model.eval();
            var parameters = weights.Select(w => (Tensor)w.Weight).ToList();
            var input = ones(inputShape, dtype: parameters[0].dtype, device: parameters[0].device);
            var flow = model.call(input).sum();
            double total = flow.detach().to(ScalarType.Float64).item<double>();
            if (!double.IsFinite(total))
            {
                throw new InvalidOperationException($"MaskScore.SynapticFlow: the synaptic flow of {model.GetType().Name} overflows {parameters[0].dtype} (R = {total}); rank this model by MaskScore.LayerAdaptive instead.");
            }

            var gradients = autograd.grad(new[] { flow }, parameters);
            return parameters.Select((p, i) => p.detach().mul(gradients[i]).abs_().to(ScalarType.Float64)).ToList();
        }
        finally
        {
            using (no_grad())
            {
                for (int i = 0; i < state.Count; i++)
                {
                    state[i].Value.copy_(saved[i]);
                    saved[i].Dispose();
                }
            }

            // train(bool) sets a module's children too: parents first, then each child its own mode again.
            foreach (var (module, training) in modes)
            {
                module.train(training);
            }
        }
    }

    private static void Linearize(List<KeyValuePair<string, Tensor>> state)
    {
        using var noGrad = no_grad();
        foreach (var (name, value) in state)
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal))
            {
                value.zero_();
            }
            else
            {
                value.abs_();
            }
        }
    }
}
