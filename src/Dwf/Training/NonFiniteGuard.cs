using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>Finds the first parameter whose value or gradient holds NaN or ±∞.</summary>
internal static class NonFiniteGuard
{
    public static bool IsFinite(double value) => double.IsFinite(value);

    /// <summary>Name and kind ("gradient"/"weight") of the first non-finite parameter, or null.</summary>
    public static (string Name, string Kind)? FirstNonFinite(nn.Module model, bool gradients, bool values)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (values && !parameter.detach().isfinite().all().item<bool>())
            {
                return (name, "weight");
            }

            if (gradients)
            {
                var gradient = parameter.grad;
                if (gradient is not null && !gradient.isfinite().all().item<bool>())
                {
                    return (name, "gradient");
                }
            }
        }

        return null;
    }

    public static bool AnyNonFinite(nn.Module model, bool gradients, bool values) =>
        FirstNonFinite(model, gradients, values) is not null;

    public static string Describe(nn.Module model) =>
        string.Join(", ", model.named_parameters().Take(3).Select(p => p.name));
}
