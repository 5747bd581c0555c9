using System;
using System.Globalization;

namespace Dwf.Benchmarks.Experiments;

/// <summary>
/// How <see cref="Method.DwfTune"/> splits its budget: the DWF phase (λ steered to the target) takes the first
/// 1 − <see cref="Fraction"/> of the epochs, the fine-tuning of the collapsed model's surviving weights (zeros held, no
/// penalty, plain SGD with momentum and its own cosine schedule from <see cref="LearningRate"/>) the rest.
/// </summary>
/// <param name="Fraction">Share of the epochs spent fine-tuning, in (0, 1).</param>
/// <param name="LearningRate">Peak learning rate of the fine-tuning phase.</param>
public sealed record FineTuneSchedule(double Fraction, double LearningRate)
{
    /// <summary>
    /// 30 % of the epochs at a tenth of the dense rate: GMP, the baseline this answers, holds its final mask for the
    /// last 35 % of its steps, when its cosine rate has fallen to about a quarter of the peak; retraining after pruning
    /// (Han et al. 2015) also uses a fraction of the original rate, so the survivors are adjusted, not retrained from scratch.
    /// </summary>
    public static FineTuneSchedule Default(double denseLearningRate) => new(0.3, 0.1 * denseLearningRate);

    /// <summary>Epochs of the DWF phase and of the fine-tuning phase (each at least one).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than two epochs, or a fraction or rate out of range.</exception>
    public (int Dwf, int FineTune) Split(int epochs)
    {
        if (!(Fraction > 0 && Fraction < 1) || !(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(Fraction), string.Create(CultureInfo.InvariantCulture, $"Fine-tuning needs a fraction in (0, 1) and a finite learning rate > 0; got fraction {Fraction}, learning rate {LearningRate}."));
        }

        if (epochs < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "DWF with fine-tuning needs at least 2 epochs: one for each phase.");
        }

        int tune = Math.Clamp((int)Math.Round(epochs * Fraction, MidpointRounding.AwayFromZero), 1, epochs - 1);
        return (epochs - tune, tune);
    }

    /// <summary>For the setup text of a summary: "the last 30 % of the epochs at peak rate 0.01".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"the last {Fraction * 100:G3} % of the epochs at peak rate {LearningRate:G3}");
}
