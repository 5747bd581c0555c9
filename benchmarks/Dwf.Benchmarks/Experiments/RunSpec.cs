using System.Globalization;

namespace Dwf.Benchmarks.Experiments;

/// <summary>The methods compared by the harness, all trained with the same schedule.</summary>
public enum Method
{
    /// <summary>Dense training with plain L2 weight decay (D = 1): the reference accuracy.</summary>
    Dense,

    /// <summary>Deep weight factorization at depth D and penalty λ.</summary>
    Dwf,

    /// <summary>Deep weight factorization at depth D with λ steered to a target compression ratio (<see cref="CompressionController"/>).</summary>
    DwfTarget,

    /// <summary>Vanilla L1 regularization λ‖W‖₁ trained directly by SGD.</summary>
    L1,

    /// <summary>Global magnitude pruning of the trained dense network, no fine-tuning.</summary>
    Magnitude,

    /// <summary>Pruning at initialization: uniform random mask, then training.</summary>
    Random,

    /// <summary>Pruning at initialization: SNIP (Lee et al. 2019), then training.</summary>
    Snip,

    /// <summary>Pruning at initialization: SynFlow (Tanaka et al. 2020), then training.</summary>
    SynFlow,

    /// <summary>Pruning at initialization: GraSP (Wang et al. 2020), then training.</summary>
    Grasp,

    /// <summary>Gradual magnitude pruning during training (Zhu &amp; Gupta 2017), cubic sparsity schedule, one magnitude ranking across all layers.</summary>
    Gmp,

    /// <summary>
    /// <see cref="Gmp"/> with every layer pruned to the same ratio by its own magnitude ranking (what TensorFlow Model
    /// Optimization does when every layer is wrapped): no layer can be emptied by a global ranking across unrelated scales.
    /// </summary>
    GmpLayer,

    /// <summary>
    /// <see cref="DwfTarget"/> for the first part of the budget, then the collapsed model's non-zero weights trained on
    /// with the zeros held and no penalty (the retraining step of prune-and-retrain methods); same total epochs.
    /// </summary>
    DwfTune,
}

/// <summary>One training run of the harness.</summary>
/// <param name="Method">Method.</param>
/// <param name="Depth">D for DWF, 1 otherwise.</param>
/// <param name="Lambda">λ of DWF/L1 (initial λ of DWF with a target; weight decay for dense; 0 for pruning methods).</param>
/// <param name="LearningRate">Peak learning rate of the dense parameters (factor groups are scaled by the depth rule).</param>
/// <param name="TargetRatio">Target compression ratio of pruning methods and of DWF with a target; 0 otherwise.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Epochs">Epochs.</param>
/// <param name="BatchSize">Batch size.</param>
public sealed record RunSpec(Method Method, int Depth, double Lambda, double LearningRate, double TargetRatio, long Seed, int Epochs, int BatchSize)
{
    /// <summary>Identity of the run in the results file (resuming skips runs whose key is present).</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Method}|{Depth}|{Lambda:R}|{LearningRate:R}|{TargetRatio:R}|{Seed}|{Epochs}|{BatchSize}");

    /// <summary>The configuration without the seed: runs that differ only by seed are aggregated.</summary>
    public string ConfigurationKey => string.Create(CultureInfo.InvariantCulture, $"{Method}|{Depth}|{Lambda:R}|{LearningRate:R}|{TargetRatio:R}|{Epochs}|{BatchSize}");

    /// <summary>Short label for logs and plots.</summary>
    public string Label => Method switch
    {
        Method.Dwf => string.Create(CultureInfo.InvariantCulture, $"DWF D={Depth} λ={Lambda:G3} lr={LearningRate:G3}"),
        Method.DwfTarget => string.Create(CultureInfo.InvariantCulture, $"DWF D={Depth} target CR={TargetRatio:G4} lr={LearningRate:G3}"),
        Method.DwfTune => string.Create(CultureInfo.InvariantCulture, $"DWF D={Depth} target CR={TargetRatio:G4} lr={LearningRate:G3} + fine-tune"),
        Method.L1 => string.Create(CultureInfo.InvariantCulture, $"L1 λ={Lambda:G3}"),
        Method.Dense => string.Create(CultureInfo.InvariantCulture, $"dense wd={Lambda:G3}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Method} CR={TargetRatio:G4}"),
    } + string.Create(CultureInfo.InvariantCulture, $" seed {Seed}");
}
