using System.Globalization;
using Dwf.Datasets;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>A validated configuration of one sample run.</summary>
internal sealed record SampleOptions
{
    public required ModelKind Model { get; init; }

    public required MnistVariant Dataset { get; init; }

    /// <summary>Number of factors D (≥ 2).</summary>
    public required int Depth { get; init; }

    /// <summary>Penalty strength λ (≥ 0, mean-loss convention); with <see cref="TargetCompression"/>, the λ the controller starts from.</summary>
    public required double Lambda { get; init; }

    /// <summary>The compression ratio wanted at the end (λ is then steered), or null for a fixed λ.</summary>
    public double? TargetCompression { get; init; }

    /// <summary>Peak learning rate of the cosine schedule.</summary>
    public required double LearningRate { get; init; }

    public required int Epochs { get; init; }

    public required int BatchSize { get; init; }

    public required long Seed { get; init; }

    /// <summary>Where results go (created if needed).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>A directory with the four IDX files, or null to use the cache / npm / the Debian package.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where to train (<c>--device</c>, resolved: <c>auto</c> has become cpu or cuda).</summary>
    public required Device Device { get; init; }

    /// <summary>Continue an interrupted run from the checkpoint in <see cref="OutputDirectory"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>One line naming the run, e.g. "lenet300 on mnist, D = 3, λ = 0.0003, lr = 0.5, 30 epochs, batch 128, seed 1".</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{ModelNames.Name(Model)} on {ModelNames.Name(Dataset)}, D = {Depth}, {(TargetCompression is double target ? System.FormattableString.Invariant($"target CR {target:R}") : System.FormattableString.Invariant($"λ = {Lambda:R}"))}, lr = {LearningRate:R}, {Epochs} epochs, batch {BatchSize}, seed {Seed}");
}
