using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// SynFlow's score (Tanaka et al., NeurIPS 2020) for <see cref="MaskScore.SynapticFlow"/>, of the network as it is:
/// every parameter taken as its absolute value, every BatchNorm as a per-channel gain |γ|/m with m the channel's mean
/// input in this linearized network (no running statistics; eval mode), R the sum of the outputs for an all-ones input;
/// a weight scores |w · ∂R/∂w|. Computed on the live model
/// in place and restored exactly afterwards (values, training modes; gradients are not touched: ∂R/∂w comes from
/// autograd.grad, not backward).
/// </summary>
/// <remarks>
/// Why it fits layers before a BatchNorm: m grows with the scale of the weights before it, so that scale, arbitrary
/// there, cancels (m is held fixed in the backward pass, as eval-mode statistics are); and the flow through every
/// layer is the same total, so no layer is emptied (a layer with fewer weights keeps a larger share of them).
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

        var calibration = new List<Action>(); // each removes one calibration hook
        try
        {
            Linearize(state);
            model.eval();
            calibration.AddRange(model.modules().OfType<BatchNorm>().Where(n => n.running_var is not null).Select(Calibrate));
            var parameters = weights.Select(w => (Tensor)w.Weight).ToList();
            var input = ones(inputShape, dtype: parameters[0].dtype, device: parameters[0].device);
            var flow = model.call(input).sum();
            double total = flow.detach().to(ScalarType.Float64).item<double>();
            if (!double.IsFinite(total))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"MaskScore.SynapticFlow: the synaptic flow of {model.GetType().Name} overflows {parameters[0].dtype} (R = {total}); rank this model by MaskScore.LayerAdaptive instead."));
            }

            // allow_unused: without it libtorch's error escapes TorchSharp's native call and ends the process.
            var gradients = autograd.grad(new[] { flow }, parameters, allow_unused: true);
            int unused = gradients.Select((g, i) => (g, i)).FirstOrDefault(e => e.g.IsInvalid, (g: null!, i: -1)).i;
            if (unused >= 0)
            {
                throw new InvalidOperationException($"MaskScore.SynapticFlow: the flow of {model.GetType().Name} does not reach every factorized weight ({weights[unused].Path} is not used by forward, or does not require grad); rank this model by MaskScore.LayerAdaptive instead.");
            }

            return parameters.Select((p, i) => p.detach().mul(gradients[i]).abs_().to(ScalarType.Float64)).ToList();
        }
        finally
        {
            foreach (var remove in calibration)
            {
                remove();
            }

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

    // Each BatchNorm divides a channel by the mean of what reaches it in the linearized network (its running variance
    // set to mean² − ε for this call): every channel then leaves the norm at |γ| on average, whatever the scale of the
    // weights before it, as in the real network, where the norm gives every channel the same variance. The running
    // statistics are not used: a channel whose weights the mask has nearly emptied has a tiny running variance, and
    // |γ|/σ would multiply its flow by up to 1/√ε and steer the mask towards it (suspected: docs/normalization.md).
    private static Action Calibrate(BatchNorm norm) =>
        norm.register_forward_pre_hook((_, input) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var epsilon = norm.eps.ToScalar();
            using var zero = 0.0.ToScalar();
            var channelMeans = input.detach().transpose(0, 1).flatten(1).mean(new long[] { 1 });
            norm.running_var!.copy_(channelMeans.square().sub(epsilon).clamp_min(zero));
            return input;
        }).remove;

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
