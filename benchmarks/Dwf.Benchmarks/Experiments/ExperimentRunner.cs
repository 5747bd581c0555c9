using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Dwf.Benchmarks.Shared;
using Dwf.Datasets;
using Dwf.Serialization;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Experiments;

/// <summary>Runs a plan for one net/dataset pair, resumably, and keeps the outputs up to date after every run.</summary>
public sealed class ExperimentRunner
{
    private readonly string _net;
    private readonly MnistVariant _dataset;
    private readonly string _outDirectory;
    private readonly string _workDirectory;
    private readonly DataSourceOptions _dataOptions;
    private readonly string _command;

    public ExperimentRunner(string net, MnistVariant dataset, string outDirectory, string workDirectory, DataSourceOptions dataOptions, string command)
    {
        _net = net;
        _dataset = dataset;
        _outDirectory = outDirectory;
        _workDirectory = workDirectory;
        _dataOptions = dataOptions;
        _command = command;
    }

    /// <summary>Where the runs train (--device; default the CPU).</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The trained plain model every run starts from (--pretrained; default none: random initialization).</summary>
    public string? Pretrained { get; init; }

    /// <summary>Train on the first N training images only (--train-size; 0: all): a cheap proxy for studies, never for reported results.</summary>
    public int TrainSize { get; init; }

    /// <summary>Name used in titles: e.g. "LeNet-300-100 / MNIST".</summary>
    public string Title => $"{Nets.DisplayName(_net)} / {MnistCatalog.DisplayName(_dataset)}";

    public void Run(ExperimentPlan plan)
    {
        Directory.CreateDirectory(_outDirectory);
        Directory.CreateDirectory(_workDirectory);
        CheckStudy(plan.Study);
        RecordCommand();
        var store = RunStore.Open(Path.Combine(_outDirectory, "runs.csv"));
        var runs = plan.Runs().ToList();
        var pending = runs.Where(r => !store.Contains(r)).ToList();
        Log($"{Title}: {runs.Count} runs in the plan, {runs.Count - pending.Count} already in {store.Path}, {pending.Count} to go.");
        if (pending.Count == 0)
        {
            WriteOutputs(store, plan);
            return;
        }

        using var fullTrain = MnistDataset.Load(_dataset, DatasetSplit.Train, _dataOptions);
        using var train = TrainingSubset.First(fullTrain, TrainSize);
        using var test = MnistDataset.Load(_dataset, DatasetSplit.Test, _dataOptions);
        var context = new ExperimentContext(_net, train, test, _workDirectory, Log) { EffectiveRateCap = plan.EffectiveRateCap ?? FactorizationDefaults.EffectiveRateCap, ControllerOptions = plan.ControllerOptions, FineTune = plan.FineTune ?? FineTuneSchedule.Default(plan.LearningRate), FanInScaledLambda = plan.FanInScaledLambda, HoldScaleInvariantNorms = plan.HoldScaleInvariantNorms, NormHold = plan.NormHold, MaskScore = plan.MaskScore, Device = Device, Pretrained = Pretrained };
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < pending.Count; i++)
        {
            var spec = pending[i];
            Log($"[{i + 1}/{pending.Count}] {spec.Label}");
            var result = MethodRunner.Run(spec, context);
            store.Add(result);
            WriteOutputs(store, plan);
            double perRun = clock.Elapsed.TotalSeconds / (i + 1);
            Log(FormattableString.Invariant($"    → accuracy {result.TestAccuracy * 100:F2} %, CR {SparsityReport.FormatRatio(result.CompressionRatio)} (layers {string.Join(", ", result.LayerRatios.Select(l => $"{l.Layer} {SparsityReport.FormatRatio(l.Ratio)}"))}), {result.WallSeconds:F0} s; about {TimeSpan.FromSeconds(perRun * (pending.Count - i - 1)):hh\\:mm\\:ss} left"));
        }
    }

    /// <summary>Rewrites summary.md and the plot from the CSV.</summary>
    public void WriteOutputs(RunStore store, ExperimentPlan? plan)
    {
        var aggregated = Summary.Aggregate(store.Results);
        var spec = store.Results.FirstOrDefault()?.Spec;
        string setup = spec is null
            ? string.Empty
            : string.Create(
                CultureInfo.InvariantCulture,
                $"Setup: every method trained by the same loop (SGD, momentum 0.9, per-step cosine schedule to 0, batch {spec.BatchSize}, {spec.Epochs} epochs, peak learning rate {store.Results.Where(r => r.Spec.Method is not (Method.Dwf or Method.DwfTarget or Method.DwfTune)).Select(r => r.Spec.LearningRate).DefaultIfEmpty(spec.LearningRate).First():G3} for the dense, L1 and pruning runs; DWF runs: base {store.Results.Where(r => r.Spec.Method is Method.Dwf or Method.DwfTarget or Method.DwfTune).Select(r => r.Spec.LearningRate).DefaultIfEmpty(spec.LearningRate).First():G3} for biases, factor groups × the depth multiplier {string.Join(", ", new[] { 2, 3, 4 }.Select(d => $"D={d}: {DepthLearningRate.Multiplier(d):G3}"))}, effective learning rate of each weight capped at the dense rate × {plan?.EffectiveRateCap ?? FactorizationDefaults.EffectiveRateCap:G3} and halved at each rollback after a NaN/∞ (rows older than this default ran with the default of their day: no cap before the bound existed, cap 3 without rollbacks before the rollbacks existed)). Dense reference: plain L2 weight decay. L1: λ‖W‖₁ added to the mean cross-entropy. Magnitude: global threshold on the trained dense weights, no fine-tuning. Random/SNIP/SynFlow/GraSP: global masks at initialization (SNIP/GraSP on one batch of 512; SynFlow 100 iterations), then the same training with the mask held. GMP: gradual magnitude pruning during training (Zhu & Gupta's cubic schedule over 60 events from 5 % to 65 % of the steps, global magnitude ranking, mask held afterwards; GMP per layer: the same schedule with each layer ranked on its own and pruned to the same ratio). DWF target: λ steered by the compression controller to the target ratio (docs/target-compression.md).{FineTuneSetup(store, plan)}{LayerLambdaSetup(plan)}{HoldNormsSetup(plan)}{MaskScoreSetup(plan)} Seeds: {string.Join(", ", store.Results.Select(r => r.Spec.Seed).Distinct().OrderBy(s => s))}. Wall time of all runs: {store.Results.Sum(r => r.WallSeconds) / 60:F0} min on 2 CPU cores.") + Machines(store.Results);
        string commands = File.Exists(CommandsPath) ? File.ReadAllText(CommandsPath).TrimEnd() : _command;
        string markdown = Summary.Markdown(Title, aggregated, commands, setup, Summary.Diverged(store.Results), Summary.RolledBack(store.Results));
        StateDictFile.AtomicWrite(Path.Combine(_outDirectory, "summary.md"), writer => writer.Write(Encoding.UTF8.GetBytes(markdown)));
        ResultPlot.Save(Path.Combine(_outDirectory, "accuracy-vs-compression.png"), Title, aggregated);
    }

    private static string HoldNormsSetup(ExperimentPlan? plan) => plan switch
    {
        { HoldScaleInvariantNorms: false } => " Scale-invariant norms free (study): weights before a BatchNorm trained as the paper states DWF, not held at their channel norms.",
        { NormHold: NormHold.Exactly } => " Scale-invariant norms held exactly at their starting values (study; the library's default before December 2026), not free to grow.",
        _ => string.Empty,
    };

    private static string MaskScoreSetup(ExperimentPlan? plan) => plan?.MaskScore switch
    {
        MaskScore.SynapticFlow => " Mask ranked by synaptic flow (--mask-score flow; on nets with BatchNorm the library's automatic choice since December 2026, so the same runs as no option there): at each mask event the target runs keep the weights with the largest |w · ∂R/∂w| of the network as it is (SynFlow's score, BatchNorm as its linear part), not the largest magnitudes.",
        MaskScore.Magnitude => " Mask ranked by global magnitude (study; the library's default on every net before December 2026, on nets without BatchNorm still), not by the automatic choice (synaptic flow on nets with BatchNorm).",
        _ => string.Empty,
    };

    private static string LayerLambdaSetup(ExperimentPlan? plan) => plan is { FanInScaledLambda: true }
        ? " Per-layer λ (study): each layer's λ × (fan-in / the largest layer's fan-in)^(1/D), the penalty measured in units of the layer's initial weight scale; the controller scales all of them alike."
        : string.Empty;

    // Only where there are fine-tuned runs, and with the schedule they were run with (a plan's knob, or the default).
    private string FineTuneSetup(RunStore store, ExperimentPlan? plan)
    {
        if (!store.Results.Any(r => r.Spec.Method == Method.DwfTune))
        {
            return string.Empty;
        }

        var schedule = plan?.FineTune ?? FineTuneSchedule.Default(plan?.LearningRate ?? ExperimentPlan.DenseLearningRate(_net));
        return $" DWF target + fine-tune: the DWF target run over the first epochs, then the collapsed model's non-zero weights trained on with the zeros held and no penalty, {schedule.Describe()} (plain SGD, momentum 0.9, cosine).";
    }

    // Floats differ between CPUs, and on some CPUs oneDNN had to be switched off: say which machines made the rows.
    private static string Machines(IReadOnlyList<RunResult> results) =>
        "\n\nMachines (CPU; native-numerics verdict: runs): " + string.Join(
            "; ",
            results.GroupBy(r => r.Machine.Length == 0 ? "not recorded (rows from before the harness recorded it)" : r.Machine)
                .OrderByDescending(g => g.Count())
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}: {g.Count()}"))) + ".";

    private string CommandsPath => Path.Combine(_outDirectory, "commands.txt");

    /// <summary>
    /// The distinct study options of the commands that made the runs in <paramref name="outDirectory"/> (its
    /// commands.txt): none when nothing is recorded, one when the directory holds a single setting, several when its
    /// commands disagree.
    /// </summary>
    public static IReadOnlyList<StudyKnobs> RecordedStudies(string outDirectory)
    {
        string path = Path.Combine(outDirectory, "commands.txt");
        return File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Contains(" experiments ", StringComparison.Ordinal)).Select(StudyKnobs.FromCommandLine).Distinct().ToList()
            : Array.Empty<StudyKnobs>();
    }

    // Study options are not part of a run's key: a run made with other options would be skipped as done, or its row
    // would be averaged with rows made differently. Checked before anything is written.
    private void CheckStudy(StudyKnobs study)
    {
        var other = RecordedStudies(_outDirectory).Where(r => !r.Equals(study)).ToList();
        if (other.Count > 0)
        {
            throw new InvalidOperationException(
                $"{_outDirectory} holds runs made with {string.Join("; ", other)} (its commands.txt), and this command has {study}. " +
                $"These options are not part of a run's key, so its runs would be skipped as already done or mixed into the same rows: pass another --out for this setting.");
        }
    }

    // Every command that contributed runs to this directory, once each (the summary quotes them).
    private void RecordCommand()
    {
        var lines = File.Exists(CommandsPath) ? File.ReadAllLines(CommandsPath).ToList() : new List<string>();
        if (!lines.Contains(_command))
        {
            lines.Add(_command);
            StateDictFile.AtomicWrite(CommandsPath, writer => writer.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")));
        }
    }

    private static void Log(string line) => Console.WriteLine(line);
}
