using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TorchSharp.Modules;

namespace Dwf.Deployment;

/// <summary>What compaction did at one boundary between layers (or at the input of the first layer).</summary>
/// <param name="Boundary">E.g. <c>fc1 → fc2</c>, or <c>input → fc1</c>.</param>
/// <param name="Units">Units (features or channels) before compaction.</param>
/// <param name="Kept">Units kept.</param>
/// <param name="Constant">Removed units whose incoming weights were all zero: their constant output was folded into the next layer's bias.</param>
/// <param name="Unused">Removed units that no remaining weight reads.</param>
public sealed record BoundaryCompaction(string Boundary, long Units, long Kept, long Constant, long Unused);

/// <summary>The compacted model and what was removed.</summary>
/// <param name="Module">
/// A new <see cref="Sequential"/> with fresh, smaller layers; the original model is not changed. Its children are named
/// after the chain's steps (a dotted path becomes <c>a_b</c>), so its state-dict keys (e.g. <c>fc1.weight</c>) look like
/// the original ones but the shapes differ, and it may start with <c>select_inputs.index</c>: it is a different model,
/// and its state dict does not load into the original class.
/// </param>
/// <param name="Chain">The compacted model described as a chain (for <see cref="SparseModel"/>).</param>
/// <param name="Boundaries">Per boundary: units before, kept, folded constants and unused.</param>
/// <param name="WeightsBefore">Weight entries of the chain's layers before compaction.</param>
/// <param name="WeightsAfter">Weight entries after compaction.</param>
/// <param name="NonZeroWeights">
/// Non-zero weight entries of the compacted layers: those of the original between kept units (weights out of
/// constant units were folded into biases; weights into or out of unused units had no effect).
/// </param>
public sealed record CompactionResult(
    Sequential Module,
    LayerChain Chain,
    IReadOnlyList<BoundaryCompaction> Boundaries,
    long WeightsBefore,
    long WeightsAfter,
    long NonZeroWeights)
{
    /// <summary>A fixed-width table of the boundaries (culture-invariant).</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{"boundary",-20} {"units",7} {"kept",7} {"constant",9} {"unused",7}");
        foreach (var b in Boundaries)
        {
            text.AppendLine(c, $"{b.Boundary,-20} {b.Units,7} {b.Kept,7} {b.Constant,9} {b.Unused,7}");
        }

        text.Append(c, $"weights {WeightsBefore} → {WeightsAfter} ({(double)WeightsAfter / WeightsBefore:P1}), non-zero {NonZeroWeights}");
        return text.ToString();
    }
}
