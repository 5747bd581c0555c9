using static TorchSharp.torch;

namespace Dwf.Tests.Support;

/// <summary>Shortcuts for attaching a factorization to hand-written modules in tests.</summary>
internal static class Factorized
{
    public static Factorization Attach(nn.Module module, int depth, double lambda = 1e-3, string? field = null)
    {
        var options = new FactorizationOptions { Depth = depth, Lambda = lambda };
        var plan = field is null
            ? new FactorizationPlan(options, module.GetType().Name)
            : new FactorizationPlan(options, module.GetType().Name).Field(field);
        return Factorization.Attach(module, plan);
    }

    /// <summary>Snapshot of every factor of every weight (detached clones).</summary>
    public static Tensor[][] CloneFactors(Factorization factorization)
    {
        var weights = factorization.Weights;
        var result = new Tensor[weights.Count][];
        for (int i = 0; i < weights.Count; i++)
        {
            result[i] = new Tensor[weights[i].Depth];
            for (int d = 0; d < weights[i].Depth; d++)
            {
                result[i][d] = weights[i].Factor(d).detach().clone();
            }
        }

        return result;
    }
}
