using System;
using System.Globalization;
using Dwf.Training;

namespace Dwf.Tests.Training;

/// <summary>
/// The entry point of the test assembly (the test SDK's generated, empty one is turned off in
/// Dwf.Tests.csproj). The test host never calls it. <see cref="KilledProcessResumeTests"/> starts the
/// assembly as a child process, <c>dotnet Dwf.Tests.dll train-until-killed CHECKPOINT DELAY_MS</c>, which
/// trains <see cref="SyntheticTraining"/>'s run with checkpoints until the test kills it.
/// </summary>
internal static class TestAssemblyProgram
{
    public const string TrainUntilKilled = "train-until-killed";

    /// <summary>Printed (and flushed) after each checkpoint: <c>checkpoint epoch=N</c>.</summary>
    public const string CheckpointLine = "checkpoint epoch=";

    /// <summary>Printed when training ran to its end, which the test must prevent by killing the process first.</summary>
    public const string FinishedLine = "finished";

    public static int Main(string[] args)
    {
        if (args.Length != 3 || args[0] != TrainUntilKilled)
        {
            Console.Error.WriteLine($"usage: dotnet Dwf.Tests.dll {TrainUntilKilled} CHECKPOINT DELAY_MS");
            return 2;
        }

        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            var model = SyntheticTraining.Model(KilledProcessResumeTests.ModelSeed);
            var observer = new ReportingObserver(int.Parse(args[2], CultureInfo.InvariantCulture));
            new Trainer(model, SyntheticTraining.Options(args[1])).Fit(train, test, observer);
        }

        Console.Out.WriteLine(FinishedLine);
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Reports checkpoints to the parent and slows the steps down, so the kill lands part-way.</summary>
    private sealed class ReportingObserver(int delayMilliseconds) : ITrainingObserver
    {
        public void OnBatch(int epoch, long batch, long batches, double loss) => System.Threading.Thread.Sleep(delayMilliseconds);

        public void OnCheckpoint(string path, int epoch, long batchesDone)
        {
            Console.Out.WriteLine(CheckpointLine + epoch.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
        }
    }
}
