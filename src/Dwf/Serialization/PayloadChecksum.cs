using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Dwf.Serialization;

/// <summary>
/// Frames a file's payload with a trailer (payload length, SHA-256 of the payload) so that a reader can
/// tell a complete, intact file from a truncated or corrupted one before using any of it. The caller
/// writes its own header (magic, version) first; the frame covers what follows.
/// </summary>
internal static class PayloadChecksum
{
    private const int HashLength = 32;
    private const int TrailerLength = sizeof(long) + HashLength;

    /// <summary>Writes the payload through <paramref name="writePayload"/>, then the trailer.</summary>
    public static void Write(BinaryWriter writer, Action<BinaryWriter> writePayload)
    {
        writer.Flush();
        long length;
        byte[] hash;
        using (var hashing = new HashingWriteStream(writer.BaseStream))
        using (var payload = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
        {
            writePayload(payload);
            payload.Flush();
            length = hashing.Length;
            hash = hashing.CurrentHash();
        }

        writer.Write(length);
        writer.Write(hash);
    }

    /// <summary>
    /// Checks the payload that starts at the current position of <paramref name="stream"/> (seekable) against
    /// the trailer at the end of the file, and leaves the stream at the payload's start.
    /// </summary>
    /// <returns>The payload's length in bytes.</returns>
    /// <exception cref="InvalidDataException">The file is truncated, has extra bytes or does not match its checksum.</exception>
    public static long Verify(Stream stream, string source)
    {
        long start = stream.Position;
        long available = stream.Length - start - TrailerLength;
        if (available < 0)
        {
            throw new InvalidDataException(Invariant($"{source}: the file is truncated: {stream.Length} bytes, too few for its checksum trailer. It cannot be used; delete it to start over."));
        }

        stream.Seek(-TrailerLength, SeekOrigin.End);
        var trailer = new byte[TrailerLength];
        stream.ReadExactly(trailer);
        long recorded = BitConverter.ToInt64(trailer, 0);
        if (recorded != available)
        {
            throw new InvalidDataException(Invariant($"{source}: the file is truncated or corrupt: it holds {available} payload bytes where its trailer expects {recorded}. It cannot be used; delete it to start over."));
        }

        stream.Seek(start, SeekOrigin.Begin);
        if (!Hash(stream, available).AsSpan().SequenceEqual(trailer.AsSpan(sizeof(long))))
        {
            throw new InvalidDataException(Invariant($"{source}: the file is corrupt: the SHA-256 of its {available} payload bytes differs from the one written with it. It cannot be used; delete it to start over."));
        }

        stream.Seek(start, SeekOrigin.Begin);
        return available;
    }

    private static byte[] Hash(Stream stream, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long left = length; left > 0;)
            {
                int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                hash.AppendData(buffer, 0, read);
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hash.GetHashAndReset();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
