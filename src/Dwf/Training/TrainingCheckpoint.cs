using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dwf.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>Where a run stands: enough to continue it exactly.</summary>
/// <param name="EpochsCompleted">Epochs fully done.</param>
/// <param name="BatchesDone">Steps done in the current (next) epoch; non-zero after a mid-epoch interruption.</param>
/// <param name="GlobalStep">Steps done in total (drives the learning-rate schedule).</param>
/// <param name="EpochLossSum">Sum of the current epoch's batch losses so far.</param>
/// <param name="EpochSeconds">Training time of the current epoch so far.</param>
/// <param name="Seed">The run's seed (must match on resume).</param>
/// <param name="History">Metrics of the completed epochs.</param>
public sealed record TrainingProgress(int EpochsCompleted, long BatchesDone, long GlobalStep, double EpochLossSum, double EpochSeconds, long Seed, IReadOnlyList<EpochMetrics> History)
{
    /// <summary>The compression controller's state when λ is steered to a target ratio (<c>null</c> otherwise; absent in older checkpoints).</summary>
    public CompressionControllerState? Controller { get; init; }

    /// <summary>The factorized optimizer's effective-rate cap, lowered by rollbacks (<c>null</c> for dense runs and older checkpoints).</summary>
    public double? EffectiveRateCap { get; init; }

    /// <summary>Rollbacks taken so far (<see cref="DivergenceRecovery"/>).</summary>
    public int Recoveries { get; init; }
}

/// <summary>
/// A training checkpoint in one file: progress (JSON), model state dict (with factors), optimizer
/// state (momentum buffers, learning rates) and TorchSharp's RNG state. Written atomically (a crash
/// keeps the previous file) and checksummed (a truncated or corrupted file is refused with a clear error
/// before anything is loaded).
/// </summary>
/// <remarks>
/// A checkpoint loads on any device: model tensors are copied into the model wherever it is, and the optimizer's
/// state is moved to the device of its parameters.
/// Layout (format 2): magic string, format version, payload, payload length, SHA-256 of the payload
/// (<see cref="PayloadChecksum"/>). Format 1 (the same payload without length and checksum) is still read.
/// </remarks>
public static class TrainingCheckpoint
{
    private const string Magic = "DWF-TRAINING-CHECKPOINT";
    private const int FormatVersion = 2;
    private const int UnchecksummedFormatVersion = 1;

    /// <summary>Metrics can be NaN or ±∞ (a test loss that overflowed): JSON has no literal for them by default.</summary>
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes the checkpoint (temporary file, then rename: an interruption keeps the previous one).</summary>
    public static void Save(string path, nn.Module model, optim.Optimizer optimizer, TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(progress);
        StateDictFile.AtomicWrite(path, writer =>
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            PayloadChecksum.Write(writer, payload => WritePayload(payload, model, optimizer, progress));
        });
    }

    /// <summary>Restores model, optimizer and RNG from <paramref name="path"/> and returns the progress.</summary>
    /// <exception cref="InvalidDataException">
    /// Not a checkpoint; truncated or corrupt (nothing is loaded); or written for another model (the message
    /// names the key and the expected and found shape or depth, and nothing is loaded).
    /// </exception>
    public static TrainingProgress Load(string path, nn.Module model, optim.Optimizer optimizer) =>
        Load(path, model, optimizer, checkProgress: null);

    /// <summary>
    /// As <see cref="Load(string, nn.Module, optim.Optimizer)"/>, with <paramref name="checkProgress"/> called on the
    /// progress record before anything is loaded: a run that refuses the checkpoint (another seed, another λ mode)
    /// throws from it and leaves model, optimizer and RNG as they were.
    /// </summary>
    internal static TrainingProgress Load(string path, nn.Module model, optim.Optimizer optimizer, Action<TrainingProgress>? checkProgress)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such checkpoint file.", path);
        }

        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        int version = ReadHeader(reader, path);
        long? payloadEnd = null;
        if (version == FormatVersion)
        {
            long length = PayloadChecksum.Verify(stream, path);
            payloadEnd = stream.Position + length;
        }

        var progress = ReadPayload(reader, path, model, optimizer, checkProgress);
        if (payloadEnd is { } end && stream.Position != end)
        {
            throw new InvalidDataException($"{path}: the checkpoint is corrupt: its payload ends at byte {stream.Position}, not at byte {end} as recorded.");
        }

        return progress;
    }

    private static void WritePayload(BinaryWriter writer, nn.Module model, optim.Optimizer optimizer, TrainingProgress progress)
    {
        writer.Write(JsonSerializer.Serialize(progress, Json));
        model.save(writer);
        if (optimizer is OptimizerHelper helper)
        {
            writer.Write(true);
            helper.save_state_dict(writer);
        }
        else
        {
            writer.Write(false);
        }

        using var rng = get_rng_state();
        rng.Save(writer);
    }

    private static int ReadHeader(BinaryReader reader, string path)
    {
        string magic;
        int version;
        try
        {
            magic = reader.ReadString();
            version = magic == Magic ? reader.ReadInt32() : 0;
        }
        catch (Exception error) when (error is EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: not a Dwf training checkpoint (unreadable header).", error);
        }

        if (magic != Magic)
        {
            throw new InvalidDataException($"{path}: not a Dwf training checkpoint.");
        }

        if (version is not (FormatVersion or UnchecksummedFormatVersion))
        {
            throw new InvalidDataException($"{path}: checkpoint format {version} is not supported (expected {UnchecksummedFormatVersion} or {FormatVersion}).");
        }

        return version;
    }

    private static TrainingProgress ReadPayload(BinaryReader reader, string path, nn.Module model, optim.Optimizer optimizer, Action<TrainingProgress>? checkProgress)
    {
        string section = "progress record";
        TrainingProgress progress;
        try
        {
            progress = JsonSerializer.Deserialize<TrainingProgress>(reader.ReadString(), Json)
                ?? throw new InvalidDataException($"{path}: empty progress record.");
        }
        catch (Exception error) when (IsDamage(error))
        {
            throw Corrupt(path, section, error);
        }

        // Outside the damage handler: a refusal is the caller's own exception, not a corrupt file.
        checkProgress?.Invoke(progress);
        try
        {
            section = "model state";
            var entries = StateDictFile.Read(reader, path);
            try
            {
                // Check the model state first (a mismatch is the likeliest error and must be named as such), but
                // apply it only after the rest has been read: a damaged file then leaves the model as it was.
                StateDictFile.Validate(model, entries, path);

                section = "optimizer state";
                bool hasOptimizerState = reader.ReadBoolean();
                if (hasOptimizerState)
                {
                    if (optimizer is not OptimizerHelper helper)
                    {
                        throw new InvalidDataException($"{path}: the checkpoint holds optimizer state but the optimizer ({optimizer.GetType().Name}) cannot load it.");
                    }

                    helper.load_state_dict(reader);
                    OptimizerStatePlacement.FollowParameters(helper);
                }

                section = "random-number state";
                using var rng = TensorExtensionMethods.Load(reader);
                StateDictFile.LoadEntries(model, entries, path);
                set_rng_state(rng);
            }
            finally
            {
                foreach (var (_, tensor) in entries)
                {
                    tensor.Dispose();
                }
            }

            return progress;
        }
        catch (Exception error) when (IsDamage(error))
        {
            throw Corrupt(path, section, error);
        }
    }

    // Format 1 has no checksum: a truncated or damaged file surfaces as one of these while reading.
    private static bool IsDamage(Exception error) =>
        error is EndOfStreamException or JsonException or FormatException or ArgumentException or IOException;

    private static InvalidDataException Corrupt(string path, string section, Exception error) =>
        new($"{path}: the checkpoint is truncated or corrupt (reading the {section}): {error.Message}", error);
}
