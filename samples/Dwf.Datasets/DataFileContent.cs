using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Dwf.Datasets;

/// <summary>
/// Reads a dataset file into memory, transparently decompressing gzip. Gzip is recognised by its
/// magic bytes (1f 8b), not by the extension: mirrors and users rename files freely.
/// </summary>
internal static class DataFileContent
{
    // A gzip trailer's ISIZE is the uncompressed length mod 2^32; used only as a capacity hint,
    // capped so that a damaged trailer cannot trigger a huge allocation.
    private const int MaxCapacityHint = 256 * 1024 * 1024;

    /// <summary>The file's bytes, decompressed if it is gzip.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">The gzip stream is corrupt or too large.</exception>
    public static ReadOnlyMemory<byte> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path}: file not found; check the path, re-download the dataset or pass --data-dir", path);
        }

        byte[] raw = File.ReadAllBytes(path);
        return IsGzip(raw) ? Decompress(raw, path) : raw;
    }

    /// <summary>True when <paramref name="content"/> starts with the gzip magic bytes 1f 8b.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> content) => content.Length >= 2 && content[0] == 0x1f && content[1] == 0x8b;

    /// <summary>Lower-case hexadecimal MD5 of <paramref name="content"/>.</summary>
    public static string Md5Hex(ReadOnlySpan<byte> content)
    {
        // MD5 is used only to recognise the well-known dataset files, whose published checksums are MD5.
#pragma warning disable CA5351
        return Convert.ToHexString(MD5.HashData(content)).ToLowerInvariant();
#pragma warning restore CA5351
    }

    private static ReadOnlyMemory<byte> Decompress(byte[] compressed, string path)
    {
        int capacityHint = compressed.Length >= 18
            ? (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4)), MaxCapacityHint)
            : 0;
        try
        {
            using var output = new MemoryStream(capacityHint);
            using (var gzip = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress))
            {
                gzip.CopyTo(output);
            }

            // GetBuffer avoids copying tens of megabytes once more; the slice hides the unused capacity.
            return new ReadOnlyMemory<byte>(output.GetBuffer(), 0, checked((int)output.Length));
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetFormatException(path, $"the gzip data is corrupt ({ex.Message})", "re-download the file or pass --data-dir", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            // MemoryStream reports "Stream was too long" past 2 GB: no IDX or CIFAR file of interest is that big.
            throw new DatasetFormatException(path, $"the file could not be decompressed ({ex.Message})", "check that it is a dataset file, re-download it or pass --data-dir", ex);
        }
    }
}
