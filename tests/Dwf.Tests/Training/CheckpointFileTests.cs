using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dwf.Serialization;
using Dwf.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Training;

/// <summary>
/// Checkpoint files under damage: a write that dies half-way keeps the previous file and leaves no temporary
/// file; a truncated or corrupted file is refused with a clear error before anything is loaded.
/// </summary>
public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-checkpoint-file").FullName;

    [Fact]
    public void A_write_that_dies_half_way_keeps_the_previous_checkpoint_and_no_temporary_file()
    {
        string path = Path.Combine(_directory, "run.ckpt");
        var (model, optimizer) = Trained(1);
        TrainingCheckpoint.Save(path, model, optimizer, Progress(1));
        byte[] good = File.ReadAllBytes(path);

        // Writing the next checkpoint fails after part of the model state is written (an exception stands in for a crash).
        Assert.ThrowsAny<Exception>(() => TrainingCheckpoint.Save(path, new FailingSaveModule(), optimizer, Progress(2)));

        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_with_a_clear_error_and_nothing_is_loaded()
    {
        string path = Path.Combine(_directory, "run.ckpt");
        var (model, optimizer) = Trained(1);
        TrainingCheckpoint.Save(path, model, optimizer, Progress(1));
        byte[] bytes = File.ReadAllBytes(path);

        foreach (int length in CutPoints(bytes.Length))
        {
            File.WriteAllBytes(path, bytes[..length]);
            string message = LoadFails(path);
            Assert.True(
                message.Contains("truncated", StringComparison.Ordinal) || message.Contains("not a Dwf training checkpoint", StringComparison.Ordinal),
                $"cut at {length} of {bytes.Length} bytes: {message}");
        }
    }

    [Fact]
    public void A_corrupted_checkpoint_is_refused_with_a_clear_error_and_nothing_is_loaded()
    {
        string path = Path.Combine(_directory, "run.ckpt");
        var (model, optimizer) = Trained(1);
        TrainingCheckpoint.Save(path, model, optimizer, Progress(1));
        byte[] bytes = File.ReadAllBytes(path);

        // One flipped bit anywhere after the header: in the progress record, the weights, the optimizer state, the trailer.
        for (int position = 40; position < bytes.Length; position += bytes.Length / 23)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= 0x10;
            File.WriteAllBytes(path, damaged);
            string message = LoadFails(path);
            Assert.True(message.Contains("corrupt", StringComparison.Ordinal), $"bit flipped at {position} of {bytes.Length}: {message}");
        }
    }

    [Fact]
    public void A_checkpoint_of_format_1_still_loads_and_a_truncated_one_is_refused_clearly()
    {
        string path = Path.Combine(_directory, "v1.ckpt");
        var (model, optimizer) = Trained(1);
        byte[] bytes = WriteFormat1(path, model, optimizer, Progress(1));

        var (target, targetOptimizer) = Trained(99);
        var progress = TrainingCheckpoint.Load(path, target, targetOptimizer);
        Assert.Equal(1, progress.EpochsCompleted);
        SyntheticTraining.AssertSameParameters(model, target);

        foreach (int length in CutPoints(bytes.Length).Where(l => l > 40))
        {
            File.WriteAllBytes(path, bytes[..length]);
            string message = LoadFails(path);
            Assert.True(
                message.Contains("truncated", StringComparison.Ordinal) || message.Contains("corrupt", StringComparison.Ordinal),
                $"cut at {length} of {bytes.Length} bytes: {message}");
        }
    }

    [Fact]
    public void Metrics_that_overflowed_are_saved_and_restored()
    {
        // A test loss can overflow to ∞ with finite weights (float32 logits); the checkpoint must still be written.
        string path = Path.Combine(_directory, "run.ckpt");
        var (model, optimizer) = Trained(1);
        var history = new[] { new EpochMetrics(1, double.NaN, double.PositiveInfinity, 0.1, 1, 1, double.NegativeInfinity, 0.5) };
        TrainingCheckpoint.Save(path, model, optimizer, Progress(1) with { History = history });

        var (target, targetOptimizer) = Trained(2);
        var progress = TrainingCheckpoint.Load(path, target, targetOptimizer);

        Assert.Equal(history, progress.History);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Loading <paramref name="path"/> into a fresh model fails with an <see cref="InvalidDataException"/> naming the file and changes nothing.</summary>
    private static string LoadFails(string path)
    {
        var (model, optimizer) = Trained(2);
        var before = model.state_dict().Select(kv => (kv.Key, kv.Value.detach().clone())).ToArray();

        var error = Record.Exception(() => TrainingCheckpoint.Load(path, model, optimizer));

        Assert.True(error is InvalidDataException, $"{error?.GetType().Name ?? "no exception"}: {error?.Message}");
        Assert.StartsWith(path + ": ", error!.Message, StringComparison.Ordinal);
        var after = model.state_dict();
        Assert.All(before, entry => Assert.True(entry.Item2.eq(after[entry.Key]).all().item<bool>(), $"'{entry.Key}' changed although the load failed"));
        return error.Message;
    }

    /// <summary>A factorized model after one SGD step with momentum, so the optimizer has state to save.</summary>
    private static (nn.Module<Tensor, Tensor> Model, optim.Optimizer Optimizer) Trained(int seed)
    {
        var model = SyntheticTraining.Model(seed);
        var optimizer = Factorization.Find(model)!.CreateSgd(0.1, 0.9);
        optimizer.zero_grad();
        model.call(randn(8, 20)).square().mean().backward();
        optimizer.step();
        return (model, optimizer);
    }

    private static TrainingProgress Progress(int epochs) => new(epochs, 0, epochs * 19L, 0, 0, 3, Array.Empty<EpochMetrics>());

    /// <summary>The start, every few hundred bytes, and the last bytes (the trailer of format 2).</summary>
    private static int[] CutPoints(int length) =>
        new[] { 0, 1, 5, 20, 30 }
            .Concat(Enumerable.Range(1, 30).Select(i => (int)((long)length * i / 31)))
            .Concat(new[] { length - 41, length - 40, length - 33, length - 32, length - 1 })
            .Where(l => l >= 0 && l < length)
            .Distinct()
            .ToArray();

    /// <summary>The layout of format 1 (before checksums), as the first version of TrainingCheckpoint wrote it.</summary>
    private static byte[] WriteFormat1(string path, nn.Module model, optim.Optimizer optimizer, TrainingProgress progress)
    {
        using (var stream = File.Create(path))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write("DWF-TRAINING-CHECKPOINT");
            writer.Write(1);
            writer.Write(JsonSerializer.Serialize(progress));
            model.save(writer);
            writer.Write(true);
            ((OptimizerHelper)optimizer).save_state_dict(writer);
            using var rng = get_rng_state();
            rng.Save(writer);
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>
    /// A module whose state dict cannot be written to the end: its second buffer lives on the "meta" device
    /// (a shape without data), so saving writes the first buffer and then throws, half-way through the file.
    /// </summary>
    private sealed class FailingSaveModule : nn.Module
    {
        public FailingSaveModule()
            : base(nameof(FailingSaveModule))
        {
            register_buffer("first", ones(4096));
            register_buffer("second", empty(3, device: new Device(DeviceType.META)));
        }
    }
}
