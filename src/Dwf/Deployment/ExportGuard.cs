using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Serialization;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>Checks that a module can be exported for PyTorch: its state dict must not hold DWF factors.</summary>
public static class ExportGuard
{
    /// <summary>
    /// Throws if <paramref name="module"/> is factorized and not collapsed. The <c>dwf_factors.*</c> keys exist only
    /// before <c>Collapse()</c> and have no counterpart in the PyTorch module, so they are never exported.
    /// Call this before exporting with another writer too (e.g. TorchSharp.PyBridge's <c>save_py</c>).
    /// </summary>
    public static void EnsureExportable(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        EnsureExportable(module.state_dict().Keys, module.GetType().Name);
    }

    internal static void EnsureExportable(IEnumerable<string> keys, string what)
    {
        var factorKey = keys.FirstOrDefault(StateDictFile.IsFactorKey);
        if (factorKey is not null)
        {
            throw new InvalidOperationException(
                $"{what} still holds its DWF factors (e.g. '{factorKey}'): the '{Factorization.StoreName}.*' keys exist only before Collapse() and have no PyTorch counterpart. " +
                "Call Collapse() first; the collapsed model has exactly the keys of the class without [Factorize] (fc1.weight, fc1.bias, …).");
        }
    }
}
