using System.Collections.Generic;

namespace Dwf;

/// <summary>
/// Everything a <see cref="CompressionController"/> needs to continue exactly where it stopped: saved in training
/// checkpoints (<see cref="Training.TrainingCheckpoint"/>) or by the user with <see cref="CompressionController.state_dict"/>.
/// </summary>
/// <param name="TargetCompression">The compression ratio asked for at the end of training.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Steps">Steps taken so far.</param>
/// <param name="LogLambdaScale">ln of the factor the controller applies to every weight's initial λ (the log itself, so that a resumed run continues bit for bit).</param>
/// <param name="PeakFactorRates">The factor groups' peak learning rates, in group order.</param>
/// <param name="Momentum">The factor groups' momentum as plain SGD would have it: 1/(1 − β) is the steady-state amplification of a dying weight's shrinkage (dampening and Nesterov folded in; 0 for AdamW).</param>
/// <param name="LastProjectedCompression">The projected final ratio at the last update.</param>
/// <param name="LastCompression">The ratio at the exact threshold at the last update.</param>
/// <param name="ProjectedSlope">The smoothed rise of ln(projected ratio) per tenth of the run.</param>
/// <param name="MaskThreshold">The magnitude below which weights were removed when the mask was fixed (<c>null</c>: not yet, or no fine-tuning phase).</param>
/// <param name="FineTuneFraction">The <see cref="CompressionControllerOptions.FineTuneFraction"/> of the run (<c>null</c> in states saved before it was recorded): a run with a mask phase and one without cannot continue each other.</param>
public sealed record CompressionControllerState(
    double TargetCompression,
    long TotalSteps,
    long Steps,
    double LogLambdaScale,
    IReadOnlyList<double> PeakFactorRates,
    double Momentum,
    double LastProjectedCompression,
    double LastCompression,
    double ProjectedSlope,
    double? MaskThreshold = null,
    double? FineTuneFraction = null);
