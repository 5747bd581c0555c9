using System;

namespace Dwf.Deployment;

/// <summary>How a stage wants a batch laid out in memory.</summary>
internal enum BatchLayout
{
    /// <summary>[B, features…]: one sample after another (what tensors use).</summary>
    SampleMajor,

    /// <summary>[features, B]: one feature's values for all samples side by side (vectorizes sparse Linear layers over the batch).</summary>
    FeatureMajor,

    /// <summary>Either (element-wise stages).</summary>
    Any,
}

/// <summary>One step of a <see cref="SparseModel"/>, on float32 buffers.</summary>
internal interface ISparseStage
{
    /// <summary>Values per sample going in.</summary>
    int InputSize { get; }

    /// <summary>Values per sample coming out.</summary>
    int OutputSize { get; }

    /// <summary>The layout the stage reads and writes.</summary>
    BatchLayout Layout { get; }

    /// <summary>True if the stage works in place (output = input buffer).</summary>
    bool InPlace { get; }

    /// <summary>Bytes of the stage's weights in memory.</summary>
    long WeightBytes { get; }

    /// <summary>Computes a batch: <paramref name="input"/> holds batch·InputSize values, <paramref name="output"/> batch·OutputSize.</summary>
    void Run(ReadOnlySpan<float> input, Span<float> output, int batch);
}
