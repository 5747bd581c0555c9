using System.IO;

namespace Dwf.Serialization;

/// <summary>The unsigned LEB128 integers of TorchSharp's state-dict format (its codec is internal).</summary>
internal static class Leb128
{
    public static long Read(BinaryReader reader)
    {
        long result = 0;
        for (int i = 0; i < 10; i++)
        {
            long b = reader.ReadByte();
            result |= (b & 0x7f) << (i * 7);
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("Malformed length prefix (more than 10 LEB128 bytes).");
    }

    public static void Write(BinaryWriter writer, long value)
    {
        ulong remaining = (ulong)value;
        while (true)
        {
            byte b = (byte)(remaining & 0x7f);
            remaining >>= 7;
            if (remaining == 0)
            {
                writer.Write(b);
                return;
            }

            writer.Write((byte)(b | 0x80));
        }
    }
}
