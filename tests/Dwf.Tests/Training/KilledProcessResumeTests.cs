using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Training;
using Xunit;

namespace Dwf.Tests.Training;

/// <summary>
/// A training process killed without warning (SIGKILL: no cancellation, no finally blocks, no flush) part-way
/// through its run, then resumed from its last checkpoint in another process (this one), ends exactly where
/// an uninterrupted run ends.
/// </summary>
public sealed class KilledProcessResumeTests : IDisposable
{
    public const int ModelSeed = 7;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-killed").FullName;

    [Fact]
    public void A_run_killed_after_its_first_checkpoint_resumes_to_the_same_weights_and_metrics()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            var reference = SyntheticTraining.Model(ModelSeed);
            var expected = new Trainer(reference, SyntheticTraining.Options()).Fit(train, test);

            string checkpoint = Path.Combine(_directory, "run.ckpt");
            var childOutput = RunChildUntilFirstCheckpointThenKill(checkpoint);
            Assert.DoesNotContain(TestAssemblyProgram.FinishedLine, childOutput);
            Assert.True(File.Exists(checkpoint), "The child wrote no checkpoint before it was killed:\n" + string.Join("\n", childOutput));

            // This process plays the restarted run: another initialization, which the checkpoint overwrites.
            var resumed = SyntheticTraining.Model(12345);
            var observer = new ResumeRecorder();
            var result = new Trainer(resumed, SyntheticTraining.Options(checkpoint, resume: true)).Fit(train, test, observer);

            Assert.NotNull(observer.EpochsDoneAtResume);
            Assert.InRange(observer.EpochsDoneAtResume!.Value, 1, SyntheticTraining.Options().Epochs - 1); // killed part-way, not after the end
            Assert.Equal(expected.History.Select(h => h.TestAccuracy), result.History.Select(h => h.TestAccuracy));
            Assert.Equal(expected.History.Select(h => h.TestLoss), result.History.Select(h => h.TestLoss));
            Assert.Equal(expected.History.Select(h => h.TrainLoss), result.History.Select(h => h.TrainLoss));
            SyntheticTraining.AssertSameParameters(reference, resumed);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Starts the test assembly as a training child process and kills it (SIGKILL) once it reports its first checkpoint.</summary>
    private static IReadOnlyList<string> RunChildUntilFirstCheckpointThenKill(string checkpoint)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(TestAssemblyProgram).Assembly.Location);
        start.ArgumentList.Add(TestAssemblyProgram.TrainUntilKilled);
        start.ArgumentList.Add(checkpoint);
        start.ArgumentList.Add("30"); // ms per step: an epoch takes ~0.6 s, so the kill lands in epoch 2

        var output = new List<string>();
        using var firstCheckpoint = new ManualResetEventSlim();
        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, e) => Record(e.Data, output, firstCheckpoint);
        child.ErrorDataReceived += (_, e) => Record(e.Data, output, null);
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            bool reported = firstCheckpoint.Wait(Timeout);
            Assert.True(reported, "The child reported no checkpoint within " + Timeout + ":\n" + Snapshot(output));
        }
        finally
        {
            // On Unix, Process.Kill sends SIGKILL: the child gets no chance to checkpoint or clean up.
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        return Snapshot(output).Split('\n');
    }

    private static void Record(string? line, List<string> output, ManualResetEventSlim? checkpointSeen)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
        }

        if (checkpointSeen is not null && line.StartsWith(TestAssemblyProgram.CheckpointLine, StringComparison.Ordinal))
        {
            checkpointSeen.Set();
        }
    }

    private static string Snapshot(List<string> output)
    {
        lock (output)
        {
            return string.Join("\n", output);
        }
    }

    /// <summary>The host running these tests (<c>dotnet</c>), so the child uses the same runtime.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private sealed class ResumeRecorder : ITrainingObserver
    {
        public int? EpochsDoneAtResume { get; private set; }

        public void OnResume(string path, int epoch, long batchesDone) => EpochsDoneAtResume = epoch;
    }
}
