using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
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
public sealed record TrainingProgress(int EpochsCompleted, long BatchesDone, long GlobalStep, double EpochLossSum, double EpochSeconds, long Seed, IReadOnlyList<EpochMetrics> History);

/// <summary>
/// A training checkpoint in one file: progress (JSON), model state dict (with factors), optimizer
/// state (momentum buffers, learning rates) and TorchSharp's RNG state. Written atomically.
/// </summary>
public static class TrainingCheckpoint
{
    private const string Magic = "DWF-TRAINING-CHECKPOINT";
    private const int FormatVersion = 1;

    /// <summary>Writes the checkpoint (temporary file, then rename: an interruption keeps the previous one).</summary>
    public static void Save(string path, nn.Module model, optim.Optimizer optimizer, TrainingProgress progress)
    {
        StateDictFile.AtomicWrite(path, writer =>
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(progress));
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
        });
    }

    /// <summary>Restores model, optimizer and RNG from <paramref name="path"/> and returns the progress.</summary>
    public static TrainingProgress Load(string path, nn.Module model, optim.Optimizer optimizer)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception error) when (error is EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: not a Dwf training checkpoint (unreadable header).", error);
        }

        if (magic != Magic)
        {
            throw new InvalidDataException($"{path}: not a Dwf training checkpoint.");
        }

        int version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path}: checkpoint format {version} is not supported (expected {FormatVersion}).");
        }

        var progress = JsonSerializer.Deserialize<TrainingProgress>(reader.ReadString())
            ?? throw new InvalidDataException($"{path}: empty progress record.");
        var entries = StateDictFile.Read(reader, path);
        try
        {
            StateDictFile.LoadEntries(model, entries, path);
        }
        finally
        {
            foreach (var (_, tensor) in entries)
            {
                tensor.Dispose();
            }
        }

        bool hasOptimizerState = reader.ReadBoolean();
        if (hasOptimizerState)
        {
            if (optimizer is not OptimizerHelper helper)
            {
                throw new InvalidDataException($"{path}: the checkpoint holds optimizer state but the optimizer ({optimizer.GetType().Name}) cannot load it.");
            }

            helper.load_state_dict(reader);
        }

        var rng = TensorExtensionMethods.Load(reader);
        set_rng_state(rng);
        rng.Dispose();
        return progress;
    }
}
