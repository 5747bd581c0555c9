namespace Dwf.Samples.Mnist.Cli;

/// <summary>Option values as typed on the command line; null where the option was not given (its default applies).</summary>
internal sealed record RawOptions
{
    public string? Model { get; init; }

    public string? Dataset { get; init; }

    public int? Depth { get; init; }

    public double? Lambda { get; init; }

    public double? TargetCompression { get; init; }

    public double? LearningRate { get; init; }

    public int? Epochs { get; init; }

    public int? BatchSize { get; init; }

    public long? Seed { get; init; }

    public string? OutputDirectory { get; init; }

    public string? DataDirectory { get; init; }

    public string? Device { get; init; }

    public bool Resume { get; init; }
}
