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
    int TorchThreads);
