using System;
using System.Globalization;
using Dwf.Training;

namespace Dwf.Samples.Mnist.Progress;

/// <summary>
/// Progress for output that is not an interactive terminal (redirected to a file or a pipe, CI logs):
/// one line per epoch, no cursor movement or redraws.
/// </summary>
internal sealed class PlainProgressObserver : ITrainingObserver
{
    private readonly Action<string> _writeLine;
    private int _epochs;

    public PlainProgressObserver(Action<string> writeLine) => _writeLine = writeLine ?? throw new ArgumentNullException(nameof(writeLine));

    public void OnEpochStart(int epoch, int epochs, long batches) => _epochs = epochs;

    public void OnEpochEnd(EpochMetrics metrics) => _writeLine(EpochLine.Format(metrics, _epochs));

    public void OnDivergenceRecovered(DivergenceRecoveryEvent recovery) => _writeLine(recovery.ToString());

    public void OnResume(string path, int epoch, long batchesDone) =>
        _writeLine(string.Create(CultureInfo.InvariantCulture, $"resumed from {path}: {epoch} epochs and {batchesDone} batches already done"));
}
