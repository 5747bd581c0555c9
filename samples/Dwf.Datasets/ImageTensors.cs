using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Datasets;

/// <summary>Turns validated pixel and label bytes into TorchSharp tensors with as few copies as possible.</summary>
internal static class ImageTensors
{
    /// <summary>
    /// Float32 images [count, channels, height, width] with values pixel / 255 in [0, 1] (TorchVision's
    /// MNIST loader divides by 256 instead; 255 maps white to exactly 1).
    /// </summary>
    public static Tensor ToUnitFloat(ReadOnlyMemory<byte> pixels, long count, long channels, long height, long width)
    {
        using var noGrad = no_grad();
        using var bytes = FromBytes(pixels).reshape(count, channels, height, width);
        var images = bytes.to_type(ScalarType.Float32);
        // An explicit Scalar, alive through the native call (Dwf.Numerics.Scalars says why).
        using var white = 255.0.ToScalar();
        images.div_(white);
        return images;
    }

    /// <summary>Int64 labels [count].</summary>
    public static Tensor ToLabels(ReadOnlyMemory<byte> labels)
    {
        using var bytes = FromBytes(labels);
        return bytes.to_type(ScalarType.Int64);
    }

    // frombuffer shares (pins) the managed array instead of copying it; the uint8 view lives only
    // until it has been converted, so the array is unpinned right after.
    private static Tensor FromBytes(ReadOnlyMemory<byte> data)
    {
        if (MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment) && segment.Array is not null)
        {
            return frombuffer(segment.Array, ScalarType.Byte, segment.Count, segment.Offset);
        }

        return frombuffer(data.ToArray(), ScalarType.Byte);
    }
}
