using System;
using System.IO;
using Dwf.Benchmarks.Experiments;
using Dwf.Datasets;
using Xunit;

namespace Dwf.Tests.Baselines;

/// <summary>
/// The harness's study options (cap, controller, fine-tune, per-layer λ) are not part of a run's key, so a results
/// directory must hold one setting of them: the runner refuses to mix, and summarize recovers them from commands.txt.
/// </summary>
public sealed class StudyKnobsTests : IDisposable
{
    private const string FanInCommand = "dotnet run --project benchmarks/Dwf.Benchmarks -c Release -- experiments --net lenet300 --dataset mnist --profile full --epochs 100 --seeds 2 --depths 3 --dwf-targets 20,100 --layer-lambda fan-in --methods dwftarget";
    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-study").FullName;

    [Fact]
    public void A_recorded_command_line_gives_the_same_settings_as_the_options_that_made_it()
    {
        var fromOptions = StudyKnobs.From(new (string, object?)[] { ("--epochs", 100), ("--effective-lr-cap", null), ("--layer-lambda", "fan-in"), ("--methods", "dwftarget") });
        Assert.Equal(fromOptions, StudyKnobs.FromCommandLine(FanInCommand));
        Assert.Equal("--layer-lambda fan-in", fromOptions.ToString());
        Assert.NotEqual(StudyKnobs.None, fromOptions);

        // The default spelled out is the default: the same runs as no option at all.
        Assert.Equal(StudyKnobs.None, StudyKnobs.From(new (string, object?)[] { ("--layer-lambda", "global") }));
        Assert.Equal(StudyKnobs.None, StudyKnobs.From(new (string, object?)[] { ("--hold-norms", "at-least") }));
        Assert.Equal(StudyKnobs.None, StudyKnobs.From(new (string, object?)[] { ("--mask-score", "automatic") }));
        // Magnitude was the default before the automatic choice: a study now, so the older folders say so.
        Assert.Equal("--mask-score magnitude", StudyKnobs.FromCommandLine("dotnet run -- experiments --net resnet20 --mask-score magnitude --methods dwftarget").ToString());
        Assert.Equal(StudyKnobs.None, StudyKnobs.FromCommandLine("dotnet run -- experiments --net lenet5 --lambdas 1e-3 --methods dwf"));
    }

    [Fact]
    public void Applying_the_settings_sets_the_plans_knobs_and_names_a_bad_value()
    {
        var knobs = StudyKnobs.From(new (string, object?)[] { ("--effective-lr-cap", 0.0), ("--controller", "ramp=0.3,finetune=0,pace=0"), ("--fine-tune", "fraction=0.2"), ("--layer-lambda", "fan-in"), ("--hold-norms", "false") });
        var plan = knobs.ApplyTo(ExperimentPlan.Full("lenet300"));
        Assert.False(plan.HoldScaleInvariantNorms);
        Assert.True(ExperimentPlan.Full("lenet300").HoldScaleInvariantNorms);

        Assert.True(double.IsPositiveInfinity(plan.EffectiveRateCap!.Value)); // 0 means no cap
        Assert.Equal(0.3, plan.ControllerOptions!.RampFraction);
        Assert.Equal(0.0, plan.ControllerOptions.FineTuneFraction); // the paper's protocol, as measured before the two phases
        Assert.False(plan.ControllerOptions.PaceByShrinkage);
        Assert.Equal(new FineTuneSchedule(0.2, 0.1 * 0.1), plan.FineTune); // the default rate: a tenth of the dense rate 0.1
        Assert.True(plan.FanInScaledLambda);
        Assert.Same(knobs, plan.Study);
        Assert.False(ExperimentPlan.Full("lenet300").FanInScaledLambda);

        var error = Assert.Throws<ArgumentException>(() => StudyKnobs.From(new (string, object?)[] { ("--layer-lambda", "per-layer") }).ApplyTo(ExperimentPlan.Full("lenet5")));
        Assert.Contains("--layer-lambda", error.Message, StringComparison.Ordinal);
        Assert.Contains("fan-in", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => StudyKnobs.From(new (string, object?)[] { ("--controller", "ramp") }).ApplyTo(ExperimentPlan.Full("lenet5")));
        Assert.Null(ExperimentPlan.Full("resnet20").MaskScore); // the library's default
        Assert.Equal(MaskScore.Magnitude, StudyKnobs.From(new (string, object?)[] { ("--mask-score", "magnitude") }).ApplyTo(ExperimentPlan.Full("resnet20")).MaskScore);
        Assert.Equal(MaskScore.SynapticFlow, StudyKnobs.From(new (string, object?)[] { ("--mask-score", "flow") }).ApplyTo(ExperimentPlan.Full("resnet20")).MaskScore);
        var maskError = Assert.Throws<ArgumentException>(() => StudyKnobs.From(new (string, object?)[] { ("--mask-score", "lamp") }).ApplyTo(ExperimentPlan.Full("resnet20")));
        Assert.Contains("automatic", maskError.Message, StringComparison.Ordinal);
        var holdError = Assert.Throws<ArgumentException>(() => StudyKnobs.From(new (string, object?)[] { ("--hold-norms", "no") }).ApplyTo(ExperimentPlan.Full("lenet5")));
        Assert.Contains("--hold-norms", holdError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runner_refuses_other_study_settings_in_a_directory_before_writing_anything()
    {
        string commands = Path.Combine(_directory, "commands.txt");
        File.WriteAllText(commands, FanInCommand + "\n");
        var plain = Plan(StudyKnobs.None);

        var error = Assert.Throws<InvalidOperationException>(() => Runner("plain command").Run(plain));
        Assert.Contains("--layer-lambda fan-in", error.Message, StringComparison.Ordinal);
        Assert.Contains("--out", error.Message, StringComparison.Ordinal);
        Assert.Equal(FanInCommand + "\n", File.ReadAllText(commands));
        Assert.False(File.Exists(Path.Combine(_directory, "runs.csv")));

        // The same setting goes on: the command is recorded next to the first one.
        var fanIn = Plan(StudyKnobs.FromCommandLine(FanInCommand));
        Runner(FanInCommand.Replace("--seeds 2", "--seeds 3", StringComparison.Ordinal)).Run(fanIn);
        Assert.Equal(2, File.ReadAllLines(commands).Length);
        Assert.Equal(new[] { StudyKnobs.FromCommandLine(FanInCommand) }, ExperimentRunner.RecordedStudies(_directory));
    }

    [Fact]
    public void A_directory_whose_commands_disagree_records_each_setting()
    {
        File.WriteAllLines(Path.Combine(_directory, "commands.txt"), new[] { FanInCommand, FanInCommand.Replace(" --layer-lambda fan-in", string.Empty, StringComparison.Ordinal) });
        Assert.Equal(2, ExperimentRunner.RecordedStudies(_directory).Count);
        Assert.Empty(ExperimentRunner.RecordedStudies(Path.Combine(_directory, "missing")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // No runs in the plan: Run checks, records and rewrites the (empty) summary without loading data.
    private static ExperimentPlan Plan(StudyKnobs study) => study.ApplyTo(ExperimentPlan.Quick("lenet300") with { Methods = Array.Empty<Method>() });

    private ExperimentRunner Runner(string command) =>
        new("lenet300", MnistVariant.Mnist, _directory, Path.Combine(_directory, "work"), new DataSourceOptions(), command);
}
