using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>A served layer's sparse computation on tensors (float32, CPU).</summary>
internal interface ILayerKernel
{
    /// <summary>Non-zero weights stored.</summary>
    long NonZeroWeights { get; }

    /// <summary>
    /// What the layer would return for <paramref name="input"/>, as a new tensor of <paramref name="outputShape"/>
    /// (from <see cref="OutputShape"/>). The input's <paramref name="shape"/> is passed in: reading a tensor's shape
    /// costs a native call, so it is read once per call.
    /// </summary>
    Tensor Forward(Tensor input, long[] shape, long[] outputShape);

    /// <summary>The shape of the result for an input of <paramref name="shape"/>.</summary>
    long[] OutputShape(long[] shape);

    /// <summary>
    /// The shape of an empty batch the dense module accepts in place of <paramref name="input"/>: the module's own
    /// forward still runs (TorchSharp cannot skip it), on zero samples.
    /// </summary>
    long[] EmptyBatchShape(long[] input);

    /// <summary>Test hook: changes one stored weight (to check that verification catches a corrupted kernel).</summary>
    void CorruptForTest();
}
