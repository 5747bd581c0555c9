using System;
using System.Globalization;
using System.IO;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>Turns <see cref="RawOptions"/> into validated <see cref="SampleOptions"/>, filling in <see cref="SampleDefaults"/>.</summary>
internal static class OptionValidation
{
    /// <summary>Largest accepted depth: beyond it the initial factors are so close to 1 in magnitude that nothing is gained, and the learning rate that trains them is unexplored.</summary>
    public const int MaxDepth = 8;

    /// <param name="raw">The options as typed.</param>
    /// <param name="cudaDeviceCount">Usable CUDA devices for <c>--device</c>; null asks this machine.</param>
    /// <param name="backend">The native backend the program was built with (for the message when CUDA is missing); null: this program's.</param>
    /// <exception cref="InvalidOptionException">An option value is out of range; the message says which and why.</exception>
    public static SampleOptions Resolve(RawOptions raw, int? cudaDeviceCount = null, string? backend = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var model = SampleDefaults.Model;
        if (raw.Model is { } modelText && !ModelNames.TryParseModel(modelText, out model))
        {
            throw Invalid($"--model: unknown model '{modelText}'; choose one of {ModelNames.ModelChoices}");
        }

        var dataset = SampleDefaults.Dataset;
        if (raw.Dataset is { } datasetText && !ModelNames.TryParseDataset(datasetText, out dataset))
        {
            throw Invalid($"--dataset: unknown dataset '{datasetText}'; choose one of {ModelNames.DatasetChoices}");
        }

        var defaults = SampleDefaults.For(model);
        int depth = raw.Depth ?? SampleDefaults.Depth;
        Require(depth >= 2, $"--depth must be at least 2 (D = 2 is the lasso, D ≥ 3 is deep factorization), got {depth}");
        Require(depth <= MaxDepth, $"--depth must be at most {MaxDepth}, got {depth}");

        Require(raw.Lambda is null || raw.TargetCompression is null, "--lambda and --target-cr cannot be used together: with a target compression ratio λ is steered during training; drop one of them");
        double? target = raw.TargetCompression;
        Require(target is not double t || CompressionController.IsValidTarget(t), $"--target-cr must be {CompressionController.TargetRule}, got {Format(target ?? 0)}");

        // With a target, the controller starts from the default λ and scales it.
        double lambda = raw.Lambda ?? (target is null ? defaults.Lambda : FactorizationDefaults.Lambda);
        Require(double.IsFinite(lambda) && lambda >= 0, $"--lambda must be finite and ≥ 0 (0 trains without the penalty), got {Format(lambda)}");

        double learningRate = raw.LearningRate ?? defaults.LearningRate;
        Require(double.IsFinite(learningRate) && learningRate > 0, $"--lr must be finite and > 0, got {Format(learningRate)}");
        Require(learningRate <= 10, $"--lr must be at most 10 (SGD with momentum 0.9 diverges long before), got {Format(learningRate)}");

        int epochs = raw.Epochs ?? defaults.Epochs;
        Require(epochs >= 1, $"--epochs must be at least 1, got {epochs}");

        int batchSize = raw.BatchSize ?? SampleDefaults.BatchSize;
        Require(batchSize >= 1, $"--batch-size must be at least 1, got {batchSize}");

        long seed = raw.Seed ?? SampleDefaults.Seed;
        Require(seed >= 0, $"--seed must be ≥ 0, got {seed}");

        string output = raw.OutputDirectory ?? Path.Combine(SampleDefaults.OutputRoot, $"{ModelNames.Name(model)}-{ModelNames.Name(dataset)}");
        Require(!string.IsNullOrWhiteSpace(output), "--out must name a directory");
        Require(!File.Exists(output), $"--out {output} is a file; pass a directory (it is created if needed)");

        string? dataDirectory = raw.DataDirectory;
        if (dataDirectory is not null)
        {
            Require(!string.IsNullOrWhiteSpace(dataDirectory), "--data-dir must name a directory");
            Require(Directory.Exists(dataDirectory), $"--data-dir {dataDirectory} does not exist; pass a directory holding the four IDX files (raw or .gz)");
        }

        var device = DeviceOption.Resolve(raw.Device ?? SampleDefaults.Device, cudaDeviceCount, backend ?? DeviceOption.Backend);

        return new SampleOptions
        {
            Model = model,
            Dataset = dataset,
            Depth = depth,
            Lambda = lambda,
            TargetCompression = target,
            LearningRate = learningRate,
            Epochs = epochs,
            BatchSize = batchSize,
            Seed = seed,
            OutputDirectory = output,
            DataDirectory = dataDirectory,
            Device = device,
            Resume = raw.Resume,
        };
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Invalid(message);
        }
    }

    private static InvalidOptionException Invalid(string message) => new(message);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
