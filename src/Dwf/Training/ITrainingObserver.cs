namespace Dwf.Training;

/// <summary>Receives progress from a <see cref="Trainer"/> (console progress bars, logs, plots).</summary>
public interface ITrainingObserver
{
    /// <summary>An epoch starts; <paramref name="batches"/> steps follow (fewer after a mid-epoch resume).</summary>
    void OnEpochStart(int epoch, int epochs, long batches) { }

    /// <summary>A training step finished.</summary>
    void OnBatch(int epoch, long batch, long batches, double loss) { }

    /// <summary>An epoch finished and was evaluated.</summary>
    void OnEpochEnd(EpochMetrics metrics) { }

    /// <summary>A checkpoint was written.</summary>
    void OnCheckpoint(string path, int epoch, long batchesDone) { }

    /// <summary>A NaN/∞ was turned into a rollback (<see cref="DivergenceRecovery"/>); training goes on.</summary>
    void OnDivergenceRecovered(DivergenceRecoveryEvent recovery) { }

    /// <summary>Training resumed from a checkpoint.</summary>
    void OnResume(string path, int epoch, long batchesDone) { }
}
