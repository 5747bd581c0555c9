using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Dwf.Benchmarks.Experiments;

/// <summary>
/// The experiments verb's study options: settings that change how the DWF runs train (the effective learning-rate cap,
/// the compression controller, the fine-tuning schedule, per-layer λ) but are not part of a run's key. A results
/// directory therefore holds runs of one setting of them; <see cref="ExperimentRunner"/> refuses to add runs made with
/// another, since they would be skipped as "already done" or mixed into the same table rows.
/// </summary>
public sealed class StudyKnobs : IEquatable<StudyKnobs>
{
    /// <summary>The options that are study knobs, in the order the command line names them.</summary>
    public static IReadOnlyList<string> Options { get; } = new[] { "--effective-lr-cap", "--controller", "--fine-tune", "--layer-lambda", "--hold-norms", "--mask-score" };

    // Option → value as the command line records it (culture-invariant). Only options given, and not at their default.
    private readonly SortedDictionary<string, string> _settings;

    private StudyKnobs(SortedDictionary<string, string> settings) => _settings = settings;

    /// <summary>No study option: the library's defaults.</summary>
    public static StudyKnobs None { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The study options among a command's options (name, value; null when not given), formatted as the recorded command line formats them.</summary>
    public static StudyKnobs From(IEnumerable<(string Name, object? Value)> options)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in options)
        {
            if (value is not null && Options.Contains(name))
            {
                Add(settings, name, string.Create(CultureInfo.InvariantCulture, $"{value}"));
            }
        }

        return new StudyKnobs(settings);
    }

    /// <summary>The study options of a recorded command line (commands.txt: "… experiments --net lenet5 … --layer-lambda fan-in …").</summary>
    public static StudyKnobs FromCommandLine(string commandLine)
    {
        var tokens = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < tokens.Length; i++)
        {
            if (Options.Contains(tokens[i]))
            {
                Add(settings, tokens[i], tokens[i + 1]);
            }
        }

        return new StudyKnobs(settings);
    }

    /// <summary>Whether no study option is set.</summary>
    public bool IsDefault => _settings.Count == 0;

    /// <summary>The plan with these settings applied (each value checked, with an error naming the option).</summary>
    public ExperimentPlan ApplyTo(ExperimentPlan plan)
    {
        foreach (var (name, value) in _settings)
        {
            plan = name switch
            {
                "--effective-lr-cap" => ParseCap(value) is var cap && cap >= 0
                    ? plan with { EffectiveRateCap = cap == 0 ? double.PositiveInfinity : cap }
                    : throw new ArgumentException($"--effective-lr-cap must be ≥ 0 (0: no cap), got {value}."),
                "--controller" => plan with { ControllerOptions = ParseController(value) },
                "--fine-tune" => plan with { FineTune = ParseFineTune(value, FineTuneSchedule.Default(plan.LearningRate)) },
                "--layer-lambda" => value == "fan-in"
                    ? plan with { FanInScaledLambda = true }
                    : throw new ArgumentException($"--layer-lambda must be 'global' or 'fan-in', got '{value}'."),
                "--hold-norms" => value switch
                {
                    "false" => plan with { HoldScaleInvariantNorms = false },
                    "exactly" => plan with { NormHold = NormHold.Exactly },
                    _ => throw new ArgumentException($"--hold-norms must be 'at-least' (the default), 'exactly' or 'false', got '{value}'."),
                },
                "--mask-score" => plan with { MaskScore = MaskScoreOption.Parse(value, name) },
                _ => throw new InvalidOperationException($"{name} is not a study option."),
            };
        }

        return plan with { Study = this };
    }

    /// <inheritdoc/>
    public bool Equals(StudyKnobs? other) => other is not null && _settings.SequenceEqual(other._settings);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as StudyKnobs);

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>"--layer-lambda fan-in", or "no study option (the defaults)".</summary>
    public override string ToString() => IsDefault ? "no study option (the defaults)" : string.Join(" ", _settings.Select(s => $"{s.Key} {s.Value}"));

    // "--layer-lambda global", "--hold-norms at-least" and "--mask-score automatic" are the defaults spelled out: the
    // same runs as no option at all.
    private static void Add(SortedDictionary<string, string> settings, string name, string value)
    {
        if (!(name == "--layer-lambda" && value == "global") && !(name == "--hold-norms" && value == "at-least") && !(name == "--mask-score" && value == "automatic"))
        {
            settings[name] = value;
        }
    }

    private static double ParseCap(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var cap) ? cap : double.NaN;

    private static FineTuneSchedule ParseFineTune(string settings, FineTuneSchedule schedule)
    {
        foreach (var (name, value) in NameValuePairs(settings, "--fine-tune"))
        {
            schedule = name switch
            {
                "fraction" => schedule with { Fraction = value },
                "lr" => schedule with { LearningRate = value },
                _ => throw new ArgumentException($"--fine-tune: unknown setting '{name}'; use fraction or lr."),
            };
        }

        // Checked now, not at the first fine-tuned run an hour into the grid.
        schedule.Split(2);
        return schedule;
    }

    private static CompressionControllerOptions ParseController(string settings)
    {
        var options = new CompressionControllerOptions();
        foreach (var (name, value) in NameValuePairs(settings, "--controller"))
        {
            options = name switch
            {
                "gain" => options with { Gain = value },
                "ramp" => options with { RampFraction = value },
                "anticipation" => options with { Anticipation = value },
                "efficiency" => options with { ShrinkageEfficiency = value },
                "threshold" => options with { MaxProjectionThreshold = value },
                "initial" => options with { InitialLambdaScale = value },
                "collapse" => options with { CollapseThreshold = value },
                "finetune" => options with { FineTuneFraction = value },
                "pace" => options with { PaceByShrinkage = value != 0 },
                "maxlambda" => options with { MaxLambda = value },
                "ceiling" => options with { MaskPhaseLambdaCeiling = value },
                "lamp" => options with { MaskScore = value != 0 ? MaskScore.LayerAdaptive : MaskScore.Magnitude },
                _ => throw new ArgumentException($"--controller: unknown setting '{name}'; use gain, ramp, anticipation, efficiency, threshold, initial, collapse, finetune, pace (1/0), maxlambda, ceiling or lamp (1/0: the mask ranks by layer-adaptive magnitude)."),
            };
        }

        return options;
    }

    // "a=1,b=2e-3" → (a, 1), (b, 0.002); culture-invariant numbers, a clear error naming the option otherwise.
    private static IEnumerable<(string Name, double Value)> NameValuePairs(string settings, string option)
    {
        foreach (var pair in settings.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            yield return parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? (parts[0], value)
                : throw new ArgumentException($"{option}: expected name=value, got '{pair}'.");
        }
    }
}
