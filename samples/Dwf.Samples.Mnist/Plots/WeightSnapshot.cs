using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Plots;

/// <summary>A copy of every factorized weight's values (W, the product of the factors), for the magnitude histogram.</summary>
internal static class WeightSnapshot
{
    public static float[] Take(Factorization factorization)
    {
        ArgumentNullException.ThrowIfNull(factorization);
        var values = new List<float>();
        using var noGrad = no_grad();
        foreach (var weight in factorization.Weights)
        {
            using var scope = NewDisposeScope();
            values.AddRange(weight.Weight.detach().to(float32).cpu().flatten().data<float>().ToArray());
        }

        return values.ToArray();
    }
}
