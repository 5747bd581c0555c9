using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>The safetensors dtype names and their TorchSharp scalar types and sizes.</summary>
internal static class SafetensorsDtype
{
    private static readonly (string Name, ScalarType Type, int Size)[] Table =
    {
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    };

    public static IEnumerable<string> Names => Table.Select(t => t.Name);

    public static string NameOf(ScalarType type, string key) =>
        Table.FirstOrDefault(t => t.Type == type).Name
        ?? throw new NotSupportedException($"'{key}' is {type}, which safetensors cannot store here (supported: {string.Join(", ", Table.Select(t => t.Type))}).");

    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                (type, size) = (entry.Type, entry.Size);
                return true;
            }
        }

        (type, size) = (default, 0);
        return false;
    }
}
