using System;
using System.Collections.Generic;
using System.Linq;

namespace Dwf.Benchmarks.Experiments;

/// <summary>The grid of runs for one net/dataset pair. Dense runs come first (magnitude pruning needs them).</summary>
public sealed record ExperimentPlan(
    IReadOnlyList<Method> Methods,
    IReadOnlyList<long> Seeds,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double DenseWeightDecay,
    IReadOnlyList<int> Depths,
    IReadOnlyList<double> DwfLambdas,
    IReadOnlyList<double> L1Lambdas,
    IReadOnlyList<double> TargetRatios)
{
    /// <summary>
    /// Base learning rate of the DWF runs: their factor groups train with it × <see cref="DepthLearningRate.Multiplier"/>,
    /// their other parameters with it. Null means <see cref="LearningRate"/>.
    /// </summary>
    /// <remarks>
    /// Separate from the baselines' rate because a dense net's stable learning rate says little about its
    /// factors': LeNet-5 (Caffe, no non-linearity between its convolutions) diverges above about 0.02 when
    /// dense, while its factors train well at the same rates as LeNet-300-100's, since the factorization
    /// slows small weights down by |W|^(2−2/D).
    /// </remarks>
    public double? DwfLearningRate { get; init; }

    /// <summary>Target compression ratios of the DWF runs whose λ is steered (<see cref="Method.DwfTarget"/>), at every depth of <see cref="Depths"/>.</summary>
    public IReadOnlyList<double> DwfTargets { get; init; } = Array.Empty<double>();

    /// <summary>The compression controller's settings for the target runs (null: the library defaults); a study knob, not part of the run key.</summary>
    public CompressionControllerOptions? ControllerOptions { get; init; }

    /// <summary>The DWF runs' effective learning-rate cap (null: the library default); a study knob, not part of the run key.</summary>
    public double? EffectiveRateCap { get; init; }

    /// <summary>Per-layer λ of the DWF runs scaled by fan-in (<see cref="LambdaScaling.FanIn"/>); a study knob, not part of the run key.</summary>
    public bool FanInScaledLambda { get; init; }

    /// <summary>Whether the DWF runs hold scale-invariant weights at their channel norms (the library's default; a study knob, not part of the run key).</summary>
    public bool HoldScaleInvariantNorms { get; init; } = true;

    /// <summary>How the held norms are held (a study knob, not part of the run key).</summary>
    public NormHold NormHold { get; init; } = NormHold.AtLeast;

    /// <summary>How the target runs' mask ranks weights (null: the library's default, <see cref="MaskScore.Automatic"/>; a study knob, not part of the run key).</summary>
    public MaskScore? MaskScore { get; init; }

    /// <summary>The fine-tuning phase of <see cref="Method.DwfTune"/> (null: <see cref="FineTuneSchedule.Default"/> for this plan's dense rate); a study knob, not part of the run key.</summary>
    public FineTuneSchedule? FineTune { get; init; }

    /// <summary>The study options this plan was made with (<see cref="StudyKnobs.ApplyTo"/>): a results directory holds runs of one setting of them.</summary>
    public StudyKnobs Study { get; init; } = StudyKnobs.None;

    /// <summary>Base learning rates of the DWF runs for the learning-rate sweep (overrides <see cref="DwfLearningRate"/>).</summary>
    public IReadOnlyList<double>? DwfLearningRates { get; init; }

    /// <summary>The dense learning rate that trains each net stably with momentum 0.9.</summary>
    public static double DenseLearningRate(string net) => net == "lenet5" ? 0.02 : 0.1;

    /// <summary>A profile that finishes in a few minutes: one seed, a short schedule, a few points per method.</summary>
    public static ExperimentPlan Quick(string net) => new(
        new[] { Method.Dense, Method.Dwf, Method.L1, Method.Magnitude, Method.Random, Method.Snip, Method.SynFlow },
        new long[] { 1 },
        Epochs: net == "lenet5" ? 2 : 4,
        BatchSize: 128,
        LearningRate: DenseLearningRate(net),
        DenseWeightDecay: 1e-4,
        Depths: new[] { 2, 3 },
        DwfLambdas: new[] { 1e-3, 3e-3 },
        L1Lambdas: new[] { 3e-4 },
        TargetRatios: new[] { 10.0, 100.0 })
    {
        DwfLearningRate = 0.1,
    };

    /// <summary>The full profile: two seeds, every method, a log-spaced λ grid per depth and the target ratios 10 … 1000.</summary>
    /// <remarks>
    /// LeNet-5 is about 15 times as expensive per epoch on this CPU (about 19 s of one core), so its profile is
    /// shorter: 10 epochs, three λ per depth, two L1 strengths, three target ratios, and no GraSP.
    /// </remarks>
    public static ExperimentPlan Full(string net) => net == "lenet5"
        ? new ExperimentPlan(
            new[] { Method.Dense, Method.Dwf, Method.L1, Method.Magnitude, Method.Random, Method.Snip, Method.SynFlow },
            new long[] { 1, 2 },
            Epochs: 10,
            BatchSize: 128,
            LearningRate: DenseLearningRate(net),
            DenseWeightDecay: 1e-4,
            Depths: new[] { 2, 3, 4 },
            // Within 10 epochs λ below about 7e-4 leaves the dying weights above the exact threshold (the
            // sample's LeNet-5 measurements: 5e-4 → CR 1.1, 7e-4 → 125, 1e-3 → 439, 2e-3 → 675).
            DwfLambdas: new[] { 7e-4, 1e-3, 2e-3 },
            L1Lambdas: new[] { 1e-4, 1e-3 },
            TargetRatios: new[] { 10.0, 100.0, 500.0 })
        {
            DwfLearningRate = 0.1,
            DwfTargets = new[] { 50.0, 100.0, 500.0 },
        }
        : new ExperimentPlan(
            Enum.GetValues<Method>(),
            new long[] { 1, 2 },
            Epochs: 40,
            BatchSize: 128,
            LearningRate: DenseLearningRate(net),
            DenseWeightDecay: 1e-4,
            Depths: new[] { 2, 3, 4 },
            DwfLambdas: new[] { 1e-4, 2e-4, 4e-4, 8e-4, 1.6e-3, 3.2e-3 },
            L1Lambdas: LogSpace(1e-5, 1e-3, 5),
            TargetRatios: new[] { 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0 })
        {
            DwfLearningRate = 0.1,
            DwfTargets = new[] { 10.0, 50.0, 100.0, 200.0, 500.0 },
        };

    /// <summary>Every run, dense first.</summary>
    public IEnumerable<RunSpec> Runs()
    {
        var order = Methods.OrderBy(m => m == Method.Dense ? 0 : m == Method.Magnitude ? 1 : 2).ToList();
        foreach (var seed in Seeds)
        {
            foreach (var method in order)
            {
                switch (method)
                {
                    case Method.Dense:
                        yield return new RunSpec(method, 1, DenseWeightDecay, LearningRate, 0, seed, Epochs, BatchSize);
                        break;
                    case Method.Dwf:
                        foreach (var depth in Depths)
                        {
                            foreach (var lr in DwfLearningRates ?? new[] { DwfLearningRate ?? LearningRate })
                            {
                                foreach (var lambda in DwfLambdas)
                                {
                                    yield return new RunSpec(method, depth, lambda, lr, 0, seed, Epochs, BatchSize);
                                }
                            }
                        }

                        break;
                    case Method.DwfTarget:
                    case Method.DwfTune:
                        foreach (var depth in Depths)
                        {
                            foreach (var target in DwfTargets)
                            {
                                yield return new RunSpec(method, depth, FactorizationDefaults.Lambda, DwfLearningRate ?? LearningRate, target, seed, Epochs, BatchSize);
                            }
                        }

                        break;
                    case Method.L1:
                        foreach (var lambda in L1Lambdas)
                        {
                            yield return new RunSpec(method, 1, lambda, LearningRate, 0, seed, Epochs, BatchSize);
                        }

                        break;
                    case Method.Magnitude:
                        foreach (var ratio in TargetRatios)
                        {
                            yield return new RunSpec(method, 1, DenseWeightDecay, LearningRate, ratio, seed, Epochs, BatchSize);
                        }

                        break;
                    default:
                        foreach (var ratio in TargetRatios)
                        {
                            yield return new RunSpec(method, 1, 0, LearningRate, ratio, seed, Epochs, BatchSize);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>n values from a to b, evenly spaced in log scale, rounded to 3 significant digits.</summary>
    public static double[] LogSpace(double a, double b, int n) =>
        Enumerable.Range(0, n)
            .Select(i => Math.Exp(Math.Log(a) + (Math.Log(b) - Math.Log(a)) * i / (n - 1)))
            .Select(v => double.Parse(v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
}
