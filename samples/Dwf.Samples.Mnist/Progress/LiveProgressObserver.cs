using System;
using System.Globalization;
using Dwf.Samples.Mnist.Reporting;
using Dwf.Training;
using Spectre.Console;

namespace Dwf.Samples.Mnist.Progress;

/// <summary>
/// Live progress on an interactive terminal: a bar for the whole run and one for the current epoch whose
/// label carries the running loss, the last test accuracy and the current compression ratio; each finished
/// epoch also leaves its summary line above the bars.
/// </summary>
internal sealed class LiveProgressObserver : ITrainingObserver
{
    // Smoothing of the displayed loss: about the last 50 batches.
    private const double LossSmoothing = 0.02;

    private readonly IAnsiConsole _console;
    private readonly ProgressTask _run;
    private readonly ProgressTask _epoch;
    private int _epochs;
    private long _batches;
    private double? _loss;
    private string _lastEpoch = "test acc –  CR –";

    public LiveProgressObserver(IAnsiConsole console, ProgressContext context, int epochs)
    {
        _console = console ?? throw new ArgumentNullException(nameof(console));
        ArgumentNullException.ThrowIfNull(context);
        _epochs = epochs;
        _run = context.AddTask("training", maxValue: epochs);
        _epoch = context.AddTask("epoch", maxValue: 1);
    }

    public void OnEpochStart(int epoch, int epochs, long batches)
    {
        _epochs = epochs;
        _batches = Math.Max(1, batches);
        _epoch.MaxValue = _batches;
        _epoch.Value = 0;
        _run.Value = epoch - 1;
        _run.Description = Escape($"epoch {epoch}/{epochs}");
        UpdateEpochLabel();
    }

    public void OnBatch(int epoch, long batch, long batches, double loss)
    {
        _loss = _loss is { } previous ? previous + LossSmoothing * (loss - previous) : loss;
        _epoch.Increment(1);
        _run.Increment(1.0 / _batches);
        UpdateEpochLabel();
    }

    public void OnEpochEnd(EpochMetrics metrics)
    {
        _run.Value = metrics.Epoch;
        _lastEpoch = string.Create(
            CultureInfo.InvariantCulture,
            $"test acc {NumberFormat.Percent(metrics.TestAccuracy)}  CR {SparsityReport.FormatRatio(metrics.CompressionRatio)}{EpochLine.Target(metrics)}");
        _console.MarkupLine(Escape(EpochLine.Format(metrics, _epochs)));
        UpdateEpochLabel();
    }

    public void OnDivergenceRecovered(DivergenceRecoveryEvent recovery) =>
        _console.MarkupLine(Escape(recovery.ToString()));

    public void OnResume(string path, int epoch, long batchesDone) =>
        _console.MarkupLine(Escape(string.Create(CultureInfo.InvariantCulture, $"resumed from {path}: {epoch} epochs and {batchesDone} batches already done")));

    private void UpdateEpochLabel()
    {
        string loss = _loss is { } value ? value.ToString("F4", CultureInfo.InvariantCulture) : "–";
        _epoch.Description = Escape($"loss {loss}  {_lastEpoch}");
    }

    private static string Escape(string text) => Markup.Escape(text);
}
