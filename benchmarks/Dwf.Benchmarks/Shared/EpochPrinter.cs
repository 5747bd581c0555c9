using System;
using System.Globalization;
using Dwf.Training;

namespace Dwf.Benchmarks.Shared;

/// <summary>Prints one line per epoch.</summary>
internal sealed class EpochPrinter : ITrainingObserver
{
    private readonly string _label;

    public EpochPrinter(string label) => _label = label;

    public void OnEpochEnd(EpochMetrics m) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {_label} epoch {m.Epoch,3}: train loss {m.TrainLoss:F4}, test acc {m.TestAccuracy:P2}, CR {m.CompressionRatio:F1} (at 1e-3: {m.CompressionRatioAt1e3:F1}), {m.Seconds:F1} s"));

    public void OnDivergenceRecovered(DivergenceRecoveryEvent recovery) => Console.WriteLine($"  {_label} {recovery}");
}
