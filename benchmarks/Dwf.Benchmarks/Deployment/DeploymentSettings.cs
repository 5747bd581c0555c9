using System.Collections.Generic;

namespace Dwf.Benchmarks.Deployment;

/// <summary>Settings of the deployment benchmark (the <c>deployment</c> verb's options).</summary>
internal sealed record DeploymentSettings(
    IReadOnlyList<string> Models,
    IReadOnlyList<double> CompressionRatios,
    IReadOnlyList<int> Batches,
    int Rounds,
    int Epochs,
    long Seed,
    string OutputDirectory,
    string WorkDirectory,
    string? DataDirectory,
    int TorchThreads)
{
    /// <summary>Collapsed models trained with DWF (net name, state-dict file), measured besides the magnitude-pruned ones.</summary>
    public IReadOnlyList<(string Model, string Path)> Collapsed { get; init; } = System.Array.Empty<(string, string)>();

    /// <summary>Where the dense models are trained; the deployment forms are measured on the CPU (the sparse kernels are C# CPU code).</summary>
    public TorchSharp.torch.Device TrainingDevice { get; init; } = TorchSharp.torch.CPU;
}
