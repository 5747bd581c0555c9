using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>One call of a leaf module during a traced forward.</summary>
internal sealed record TracedCall(string Name, nn.Module<Tensor, Tensor> Module, Tensor Input, Tensor Output);

/// <summary>
/// Records which leaf modules a model's forward calls, in order, with the tensor objects that went in and came
/// out: enough to see that a BatchNorm reads exactly what a convolution returned. Functional operations between
/// modules (activations, additions) are not visible; the check against the dense forward covers them.
/// </summary>
internal static class ForwardTrace
{
    /// <summary>Runs <paramref name="model"/> on <paramref name="probe"/> (caller owns the dispose scope and no_grad).</summary>
    public static (IReadOnlyList<TracedCall> Calls, Tensor Output) Record(nn.Module<Tensor, Tensor> model, Tensor probe)
    {
        var calls = new List<TracedCall>();
        var removers = new List<Action>();
        try
        {
            foreach (var (name, module) in Leaves(model))
            {
                var hook = module.register_forward_hook((m, input, output) =>
                {
                    calls.Add(new TracedCall(name, m, input, output));
                    return output;
                });
                removers.Add(hook.remove);
            }

            var output = model.call(probe);
            return (calls, output);
        }
        finally
        {
            foreach (var remove in removers)
            {
                remove();
            }
        }
    }

    /// <summary>Modules without children that take and return one tensor.</summary>
    public static IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> Leaves(nn.Module model) =>
        model.named_modules()
            .Where(m => !m.module.children().Any())
            .Select(m => (m.name, Module: m.module as nn.Module<Tensor, Tensor>))
            .Where(m => m.Module is not null)
            .Select(m => (m.name, m.Module!));
}
