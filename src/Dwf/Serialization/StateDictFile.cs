using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Serialization;

/// <summary>
/// Reads and writes module state dicts in TorchSharp's own format (the one <c>Module.save</c>/<c>load</c>
/// use), atomically, and loads them with errors that name the key, the expected and the found shape,
/// and the factorization depth.
/// </summary>
public static class StateDictFile
{
    /// <summary>
    /// Saves <paramref name="module"/>'s state dict to <paramref name="path"/> atomically: the file is
    /// written next to the target and renamed over it, so a crash never leaves a half-written file.
    /// </summary>
    public static void Save(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        AtomicWrite(path, writer => module.save(writer));
    }

    /// <summary>Reads every entry (key and tensor, on the CPU) of a state-dict file or stream position.</summary>
    public static IReadOnlyList<(string Key, Tensor Value)> Read(BinaryReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entries = new List<(string, Tensor)>();
        try
        {
            long count = Leb128.Read(reader);
            if (count < 0 || count > 1_000_000)
            {
                throw new InvalidDataException($"{source}: not a TorchSharp state dict (entry count {count}).");
            }

            for (long i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                var tensor = TensorExtensionMethods.Load(reader).DetachFromDisposeScope();
                entries.Add((key, tensor));
            }
        }
        catch (EndOfStreamException error)
        {
            foreach (var (_, tensor) in entries)
            {
                tensor.Dispose();
            }

            throw new InvalidDataException($"{source}: the file ends early after {entries.Count} entries (truncated or not a TorchSharp state dict).", error);
        }

        return entries;
    }

    /// <summary>Reads every entry of the state-dict file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<(string Key, Tensor Value)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such checkpoint file.", path);
        }

        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        return Read(reader, path);
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/> after checking that keys, shapes,
    /// dtypes and factorization depths all match; nothing is changed if anything does not.
    /// </summary>
    public static void Load(nn.Module module, string path)
    {
        var entries = Read(path);
        try
        {
            LoadEntries(module, entries, path);
        }
        finally
        {
            foreach (var (_, tensor) in entries)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads entries into <paramref name="module"/> after checking them against its state dict
    /// (see <see cref="Load(nn.Module, string)"/>); <paramref name="source"/> names them in errors.
    /// </summary>
    public static void LoadEntries(nn.Module module, IReadOnlyList<(string Key, Tensor Value)> entries, string source)
    {
        Validate(module, entries, source);
        var target = module.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, value) in entries)
        {
            target[key].copy_(value);
        }
    }

    /// <summary>Throws <see cref="InvalidDataException"/> (naming key, depth, shape or dtype) unless <paramref name="entries"/> fit <paramref name="module"/>.</summary>
    internal static void Validate(nn.Module module, IReadOnlyList<(string Key, Tensor Value)> entries, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(entries);
        var found = entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (Compare(module.state_dict(), found, source) is { } problem)
        {
            throw new InvalidDataException(problem);
        }
    }

    /// <summary>
    /// Loads a dense (unfactorized, e.g. pretrained or collapsed) state dict into a factorized module and
    /// factorizes the loaded weights function-preservingly: the "convert a pretrained model" path.
    /// </summary>
    public static void LoadDenseAndFactorize(nn.Module module, string path)
    {
        var factorization = Factorization.Find(module)
            ?? throw new InvalidOperationException($"{module.GetType().Name} is not factorized; load the checkpoint with StateDictFile.Load instead.");
        var entries = Read(path);
        try
        {
            if (entries.Any(e => IsFactorKey(e.Key)))
            {
                throw new InvalidDataException($"{path}: this checkpoint already holds factors ({entries.First(e => IsFactorKey(e.Key)).Key}); load it with StateDictFile.Load (or Module.load) instead.");
            }

            var target = module.state_dict().Where(kv => !IsFactorKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            var problem = Compare(target, entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal), path);
            if (problem is not null)
            {
                throw new InvalidDataException(problem);
            }

            using (no_grad())
            {
                foreach (var (key, value) in entries)
                {
                    target[key].copy_(value);
                }
            }

            factorization.FactorizeFromCurrentWeights();
        }
        finally
        {
            foreach (var (_, tensor) in entries)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Writes through <paramref name="write"/> to a temporary file beside <paramref name="path"/>, then renames it over the target.</summary>
    public static void AtomicWrite(string path, Action<BinaryWriter> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new BinaryWriter(stream))
            {
                write(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            throw;
        }

        RemoveStaleTemporaries(directory, Path.GetFileName(fullPath));
    }

    /// <summary>How old a leftover temporary file must be before a later successful write removes it.</summary>
    public static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromMinutes(10);

    // A writer killed mid-write (kill -9, power loss) leaves its temporary file behind: it is never read,
    // and the next successful write of the same target removes it. The age guard keeps clear of another
    // process that may be writing the same file right now.
    private static void RemoveStaleTemporaries(string directory, string fileName)
    {
        foreach (var leftover in Directory.EnumerateFiles(directory, $".{fileName}.*.tmp"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(leftover) > StaleTemporaryAge)
                {
                    File.Delete(leftover);
                }
            }
            catch (IOException)
            {
                // Best effort: a file that cannot be removed now is removed by a later write.
            }
        }
    }

    internal static bool IsFactorKey(string key) =>
        key.StartsWith(Factorization.StoreName + ".", StringComparison.Ordinal) || key.Contains("." + Factorization.StoreName + ".", StringComparison.Ordinal);

    private static string? Compare(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> found, string source)
    {
        var missing = expected.Keys.Where(k => !found.ContainsKey(k)).ToList();
        var unexpected = found.Keys.Where(k => !expected.ContainsKey(k)).ToList();

        // Depth mismatch: the same weight, a different number of factors.
        var expectedDepths = FactorDepths(expected.Keys);
        var foundDepths = FactorDepths(found.Keys);
        foreach (var (weight, depth) in expectedDepths)
        {
            if (foundDepths.TryGetValue(weight, out int foundDepth) && foundDepth != depth)
            {
                return $"{source}: '{weight}' is factorized with depth {foundDepth} in the checkpoint but depth {depth} in the model. Use the same Depth as when the checkpoint was written, or load a collapsed checkpoint and call FactorizeFromCurrentWeights().";
            }
        }

        // Dense in one, factorized in the other: the same weight key, factors on one side only.
        foreach (var (weight, depth) in expectedDepths)
        {
            if (!foundDepths.ContainsKey(weight) && found.ContainsKey(weight))
            {
                string fix = foundDepths.Count == 0
                    ? "To factorize a dense (e.g. pretrained or collapsed) checkpoint, load it with StateDictFile.LoadDenseAndFactorize (or load it into the weights and call FactorizeFromCurrentWeights())."
                    : $"Give '{weight}' the same [Dense]/[Factorize] setting as when the checkpoint was written.";
                return $"{source}: '{weight}' is dense in the checkpoint (no '{Factorization.StoreName}' factors) but factorized with depth {depth} in the model. {fix}";
            }
        }

        foreach (var (weight, depth) in foundDepths)
        {
            if (!expectedDepths.ContainsKey(weight) && expected.ContainsKey(weight))
            {
                string fix = expectedDepths.Count == 0
                    ? "Load it into the [Factorize] class, or collapse the model before saving it for deployment."
                    : $"Give '{weight}' the same [Dense]/[Factorize] setting as when the checkpoint was written.";
                return $"{source}: '{weight}' is factorized with depth {depth} in the checkpoint but dense in the model. {fix}";
            }
        }

        if (missing.Count > 0 || unexpected.Count > 0)
        {
            return $"{source}: the checkpoint does not match the model: " +
                (missing.Count > 0 ? $"missing keys {Quote(missing)}" : string.Empty) +
                (missing.Count > 0 && unexpected.Count > 0 ? "; " : string.Empty) +
                (unexpected.Count > 0 ? $"unexpected keys {Quote(unexpected)}" : string.Empty) + ".";
        }

        foreach (var (key, tensor) in expected)
        {
            var other = found[key];
            if (!tensor.shape.SequenceEqual(other.shape))
            {
                return $"{source}: '{key}' has shape [{string.Join(", ", other.shape)}] in the checkpoint but [{string.Join(", ", tensor.shape)}] in the model.";
            }

            if (tensor.dtype != other.dtype)
            {
                return $"{source}: '{key}' is {other.dtype} in the checkpoint but {tensor.dtype} in the model; convert the model with .to({other.dtype}) before loading.";
            }
        }

        return null;
    }

    /// <summary>Factorized weights by their own key (<c>fc1.weight</c>), with their number of factors.</summary>
    private static Dictionary<string, int> FactorDepths(IEnumerable<string> keys)
    {
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in keys.Where(IsFactorKey))
        {
            string weight = WeightKeyOf(key);
            depths[weight] = depths.TryGetValue(weight, out int count) ? count + 1 : 1;
        }

        return depths;
    }

    /// <summary>The key of the weight a factor belongs to: <c>dwf_factors.fc1.weight.0</c> → <c>fc1.weight</c>, <c>encoder.dwf_factors.enc.weight.2</c> → <c>encoder.enc.weight</c>.</summary>
    private static string WeightKeyOf(string factorKey)
    {
        string withoutIndex = factorKey.Substring(0, factorKey.LastIndexOf('.'));
        string store = Factorization.StoreName + ".";
        int at = withoutIndex.StartsWith(store, StringComparison.Ordinal) ? 0 : withoutIndex.IndexOf("." + store, StringComparison.Ordinal) + 1;
        return withoutIndex.Remove(at, store.Length);
    }

    private static string Quote(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(5).Select(k => $"'{k}'")) + (keys.Count > 5 ? $" and {keys.Count - 5} more" : string.Empty);
}
