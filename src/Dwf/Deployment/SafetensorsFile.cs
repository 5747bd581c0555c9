using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Dwf.Serialization;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// Reads and writes state dicts in the safetensors format, which PyTorch loads with
/// <c>safetensors.torch.load_file(path)</c> followed by <c>model.load_state_dict(...)</c>.
/// </summary>
/// <remarks>
/// <para>Format: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
/// <c>{"name": {"dtype": "F32", "shape": [300, 784], "data_offsets": [begin, end]}, …, "__metadata__": {…}}</c>,
/// then the raw little-endian tensor bytes (row-major), each tensor at [begin, end) relative to the end of the
/// header. The writer pads the header with spaces to a multiple of 8 bytes (as the reference implementation does)
/// and lays the tensors out back to back in state-dict order; the reader checks every rule of the format
/// (known dtypes, sizes that match the shapes, offsets inside the file, no holes or overlaps) and names the
/// offending key.</para>
/// <para>Keys are TorchSharp's state-dict keys, which for the sample nets are the PyTorch module's keys
/// (<c>fc1.weight</c>, <c>fc1.bias</c>, …). Saving is atomic (temporary file, then rename). Factorized models are
/// refused until collapsed (<see cref="ExportGuard"/>).</para>
/// </remarks>
public static class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Saves the state dict of a collapsed (or never factorized) module.</summary>
    /// <param name="module">The module; its state-dict keys become the tensor names.</param>
    /// <param name="path">The target file; written atomically.</param>
    /// <param name="metadata">Free-form string pairs stored under <c>__metadata__</c> (default: <c>format = pt</c>).</param>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = module.state_dict();
        ExportGuard.EnsureExportable(state.Keys, module.GetType().Name);
        Save(state.Select(kv => (kv.Key, kv.Value)).ToList(), path, metadata);
    }

    /// <summary>Saves named tensors (any device; stored from a CPU copy).</summary>
    public static void Save(IReadOnlyList<(string Key, Tensor Value)> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        EnsureLittleEndian();
        var duplicate = tensors.GroupBy(t => t.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The tensor name '{duplicate.Key}' occurs twice.", nameof(tensors));
        }

        if (tensors.Any(t => t.Key == MetadataKey))
        {
            throw new ArgumentException($"'{MetadataKey}' is reserved by the safetensors format.", nameof(tensors));
        }

        byte[] header = Header(tensors, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        StateDictFile.AtomicWrite(path, writer =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            writer.Write(length);
            writer.Write(header);
            foreach (var (_, value) in tensors)
            {
                using var cpu = value.detach().cpu().contiguous();
                if (cpu.numel() > 0)
                {
                    writer.Write(cpu.bytes);
                }
            }
        });
    }

    /// <summary>Reads every tensor of a safetensors file (on the CPU), in file order, after validating the format.</summary>
    /// <exception cref="InvalidDataException">The file breaks a rule of the format; the message names the key and the rule.</exception>
    public static IReadOnlyList<(string Key, Tensor Value)> Read(string path)
    {
        var (entries, _, dataStart, bytes) = Parse(path);
        var result = new List<(string, Tensor)>(entries.Count);
        foreach (var entry in entries)
        {
            var tensor = empty(entry.Shape, dtype: entry.Type);
            if (entry.End > entry.Begin)
            {
                bytes.AsSpan((int)(dataStart + entry.Begin), (int)(entry.End - entry.Begin)).CopyTo(tensor.bytes);
            }

            result.Add((entry.Key, tensor.DetachFromDisposeScope()));
        }

        return result;
    }

    /// <summary>The <c>__metadata__</c> pairs of a safetensors file (empty if it has none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => Parse(path).Metadata;

    /// <summary>
    /// Loads a safetensors file into <paramref name="module"/> after checking keys, shapes, dtypes and factorization
    /// depths (errors name the key and both shapes); nothing is changed if anything does not match.
    /// </summary>
    public static void Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var entries = Read(path);
        try
        {
            StateDictFile.LoadEntries(module, entries, path);
        }
        finally
        {
            foreach (var (_, tensor) in entries)
            {
                tensor.Dispose();
            }
        }
    }

    private static byte[] Header(IReadOnlyList<(string Key, Tensor Value)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (key, value) in tensors)
            {
                long size = value.numel() * value.ElementSize;
                json.WriteStartObject(key);
                json.WriteString("dtype", SafetensorsDtype.NameOf(value.dtype, key));
                json.WriteStartArray("shape");
                foreach (long dimension in value.shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }

            json.WriteEndObject();
        }

        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.ToArray().CopyTo(header, 0);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private sealed record Entry(string Key, ScalarType Type, long[] Shape, long Begin, long End);

    private static (List<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart, byte[] Bytes) Parse(string path)
    {
        EnsureLittleEndian();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such safetensors file.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw Invalid(path, $"the file has {bytes.Length} bytes; a safetensors file starts with an 8-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
        {
            throw Invalid(path, $"the header length {headerLength} does not fit in the file ({bytes.Length} bytes)");
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON: {error.Message}", error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "the header is not a JSON object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Invalid(path, $"the key '{property.Name}' occurs twice");
                }

                if (property.Name == MetadataKey)
                {
                    foreach (var pair in property.Value.EnumerateObject())
                    {
                        metadata[pair.Name] = pair.Value.ValueKind == JsonValueKind.String
                            ? pair.Value.GetString()!
                            : throw Invalid(path, $"metadata '{pair.Name}' is not a string");
                    }

                    continue;
                }

                entries.Add(ParseEntry(path, property));
            }
        }

        CheckLayout(path, entries, dataLength);
        return (entries, metadata, dataStart, bytes);
    }

    private static Entry ParseEntry(string path, JsonProperty property)
    {
        string key = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Invalid(path, $"'{key}' needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" ([begin, end])");
        }

        if (!SafetensorsDtype.TryParse(dtype.GetString()!, out var type, out int size))
        {
            throw Invalid(path, $"'{key}' has dtype '{dtype.GetString()}', which is not supported here ({string.Join(", ", SafetensorsDtype.Names)})");
        }

        var dimensions = new long[shape.GetArrayLength()];
        int i = 0;
        foreach (var dimension in shape.EnumerateArray())
        {
            if (!dimension.TryGetInt64(out dimensions[i]) || dimensions[i] < 0)
            {
                throw Invalid(path, $"'{key}' has a shape entry that is not a non-negative integer");
            }

            i++;
        }

        var bounds = offsets.EnumerateArray().Select(o => o.TryGetInt64(out long v) && v >= 0 ? v : -1).ToArray();
        if (bounds[0] < 0 || bounds[1] < bounds[0])
        {
            throw Invalid(path, $"'{key}' has data_offsets that are not 0 ≤ begin ≤ end");
        }

        long expected = dimensions.Aggregate(1L, (a, b) => checked(a * b)) * size;
        if (bounds[1] - bounds[0] != expected)
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"'{key}' ({dtype.GetString()} [{LayerChain.Shape(dimensions)}]) needs {expected} bytes but its data_offsets span {bounds[1] - bounds[0]}"));
        }

        return new Entry(key, type, dimensions, bounds[0], bounds[1]);
    }

    // The data section must be covered exactly: tensors back to back in offset order, no holes, no overlaps.
    private static void CheckLayout(string path, List<Entry> entries, long dataLength)
    {
        long position = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != position)
            {
                throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"'{entry.Key}' starts at byte {entry.Begin} of the data but the previous tensor ends at {position} (hole or overlap)"));
            }

            position = entry.End;
        }

        if (position != dataLength)
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"the tensors cover {position} bytes but the data section has {dataLength} (truncated or trailing bytes)"));
        }
    }

    private static InvalidDataException Invalid(string path, string problem) => new($"{path}: not a valid safetensors file: {problem}.");

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors stores little-endian data; this writer and reader run on little-endian machines only.");
        }
    }
}
