using System;

namespace Dwf.Datasets;

/// <summary>The labels of an IDX label file (magic 0x00000801), already checked to lie in 0..ClassCount-1.</summary>
/// <param name="Path">The file the labels were read from.</param>
/// <param name="ClassCount">The number of classes the labels were validated against.</param>
/// <param name="Values">One byte per label, without the header.</param>
public sealed record IdxLabels(string Path, int ClassCount, ReadOnlyMemory<byte> Values)
{
    /// <summary>Number of labels.</summary>
    public int Count => Values.Length;
}
