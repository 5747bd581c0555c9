using System;
using System.IO;
using System.Text.Json;
using Dwf.Samples.Mnist.Cli;
using Dwf.Serialization;

namespace Dwf.Samples.Mnist.Output;

/// <summary>
/// The training checkpoint in the output folder (written atomically by the trainer after every epoch and on
/// Ctrl+C) and a record of the options it was written with, so that <c>--resume</c> refuses to continue a run
/// with different settings instead of silently mixing two recipes.
/// </summary>
internal static class ResumableCheckpoint
{
    public const string FileName = "checkpoint.dwf";

    public const string OptionsFileName = "checkpoint-options.json";

    /// <summary>What a checkpoint must agree on to be continued (not the output or data folder, which may move).</summary>
    internal sealed record RunIdentity(string Model, string Dataset, int Depth, double Lambda, double LearningRate, int Epochs, int BatchSize, long Seed)
    {
        /// <summary>The target compression ratio, if λ is steered (absent in records of earlier runs: a fixed λ).</summary>
        public double? TargetCompression { get; init; }

        public static RunIdentity Of(SampleOptions options) => new(
            ModelNames.Name(options.Model), ModelNames.Name(options.Dataset), options.Depth, options.Lambda, options.LearningRate, options.Epochs, options.BatchSize, options.Seed)
        {
            TargetCompression = options.TargetCompression,
        };
    }

    /// <summary>
    /// Gets the folder ready for training: with <c>--resume</c> checks that the checkpoint (if any) belongs to
    /// these options; otherwise removes a stale one. Returns the checkpoint path, whether to resume, and a note for the user (or null).
    /// </summary>
    /// <exception cref="InvalidOptionException">--resume with a checkpoint written with other options.</exception>
    public static (string Path, bool Resume, string? Note) Prepare(OutputFolder folder, SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        string checkpoint = folder.Final(FileName);
        string record = folder.Final(OptionsFileName);
        var identity = RunIdentity.Of(options);
        bool exists = File.Exists(checkpoint);
        if (options.Resume && exists)
        {
            var written = ReadIdentity(record);
            if (written != identity)
            {
                throw new InvalidOptionException(
                    $"--resume: the checkpoint {checkpoint} was written for {Describe(written)}, but this run is {Describe(identity)}; pass the same options, or delete the checkpoint to start over");
            }

            return (checkpoint, true, null);
        }

        string? note = options.Resume
            ? $"--resume: no checkpoint in {folder.Directory}; starting from the beginning"
            : exists ? $"an interrupted run's checkpoint in {folder.Directory} is replaced (pass --resume to continue it instead)" : null;

        // The old checkpoint goes before the new record is written, so the two never disagree.
        File.Delete(checkpoint);
        StateDictFile.AtomicWrite(record, writer => writer.Write(System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(identity))));
        return (checkpoint, false, note);
    }

    /// <summary>After a completed run the checkpoint has served its purpose.</summary>
    public static void Remove(OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        File.Delete(folder.Final(FileName));
        File.Delete(folder.Final(OptionsFileName));
    }

    /// <summary>After a run that failed before its first checkpoint: the options record alone would only be clutter.</summary>
    public static void RemoveRecordWithoutCheckpoint(OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!File.Exists(folder.Final(FileName)))
        {
            File.Delete(folder.Final(OptionsFileName));
        }
    }

    private static RunIdentity? ReadIdentity(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RunIdentity>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(RunIdentity? identity) => identity is null
        ? "unknown options (its checkpoint-options.json is missing or unreadable)"
        : System.FormattableString.Invariant(
            $"--model {identity.Model} --dataset {identity.Dataset} --depth {identity.Depth} {(identity.TargetCompression is double target ? System.FormattableString.Invariant($"--target-cr {target:R}") : System.FormattableString.Invariant($"--lambda {identity.Lambda:R}"))} --lr {identity.LearningRate:R} --epochs {identity.Epochs} --batch-size {identity.BatchSize} --seed {identity.Seed}");
}
