namespace Dwf.Benchmarks.Conversion;

/// <summary>Settings of the conversion experiment (the <c>convert</c> verb's options).</summary>
internal sealed record ConversionSettings(
    int DenseEpochs,
    int FineTuneEpochs,
    double DenseLearningRate,
    double LearningRate,
    double Lambda,
    int Depth,
    long Seed,
    string OutputDirectory,
    string WorkDirectory,
    string? DataDirectory,
    bool ReuseDense,
    bool TotalBudget)
{
    /// <summary>Where every model trains and is evaluated (--device).</summary>
    public TorchSharp.torch.Device Device { get; init; } = TorchSharp.torch.CPU;
}
