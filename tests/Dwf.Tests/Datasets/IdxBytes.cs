using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Dwf.Tests.Datasets;

/// <summary>Builds IDX and CIFAR files for the tests, and writes them atomically (temp file + rename).</summary>
internal static class IdxBytes
{
    /// <summary>An IDX file: magic 00 00 type ndims, big-endian dims, then <paramref name="payload"/>.</summary>
    public static byte[] Build(byte type, uint[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        }

        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>An image file of <paramref name="count"/> images whose pixel k of image i is (i·31 + k) mod 256.</summary>
    public static byte[] Images(int count, int rows = 28, int columns = 28) =>
        Build(0x08, new[] { (uint)count, (uint)rows, (uint)columns }, Pixels(count, rows * columns));

    public static byte[] Pixels(int count, int pixelsPerImage)
    {
        var pixels = new byte[count * pixelsPerImage];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < pixelsPerImage; k++)
            {
                pixels[i * pixelsPerImage + k] = (byte)((i * 31 + k) % 256);
            }
        }

        return pixels;
    }

    /// <summary>A label file holding <paramref name="labels"/>.</summary>
    public static byte[] Labels(params byte[] labels) => Build(0x08, new[] { (uint)labels.Length }, labels);

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static void WriteAtomically(string path, byte[] content)
    {
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
