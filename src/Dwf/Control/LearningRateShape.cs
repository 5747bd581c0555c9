using System;

namespace Dwf;

/// <summary>
/// The shape of the learning-rate schedule a <see cref="CompressionController"/> plans with: the factor of the peak
/// rate as a function of training progress x ∈ [0, 1]. The controller needs it to know how far the remaining steps
/// can still shrink a dying weight.
/// </summary>
public sealed class LearningRateShape
{
    private readonly Func<double, double>? _factor;

    private LearningRateShape(string name, Func<double, double>? factor)
    {
        Name = name;
        _factor = factor;
    }

    /// <summary>Cosine annealing to 0 over the whole run (PyTorch's CosineAnnealingLR with T_max = total steps; <see cref="Training.Trainer"/>'s schedule).</summary>
    public static LearningRateShape Cosine { get; } = new("cosine", null);

    /// <summary>A constant learning rate.</summary>
    public static LearningRateShape Constant { get; } = new("constant", _ => 1.0);

    /// <summary>Any other schedule, as the factor of the peak rate at progress x ∈ [0, 1] (e.g. a warm-up, steps).</summary>
    public static LearningRateShape Custom(string name, Func<double, double> factor_of_peak)
    {
        ArgumentNullException.ThrowIfNull(factor_of_peak);
        return new LearningRateShape(name, factor_of_peak);
    }

    /// <summary>Name for logs.</summary>
    public string Name { get; }

    /// <summary>The factor of the peak rate at <paramref name="progress"/> ∈ [0, 1].</summary>
    public double FactorAt(double progress)
    {
        double x = Math.Clamp(progress, 0.0, 1.0);
        return _factor is null ? 0.5 * (1.0 + Math.Cos(Math.PI * x)) : _factor(x);
    }

    /// <summary>∫ from <paramref name="progress"/> to 1 of the factor, in units of the whole run (so × total steps = Σ of the remaining factors).</summary>
    public double RemainingIntegral(double progress)
    {
        double x = Math.Clamp(progress, 0.0, 1.0);
        if (_factor is null)
        {
            // ∫_x^1 ½(1 + cos πu) du = ½[(1 − x) − sin(πx)/π]; exact, and well-conditioned near x = 1.
            return 0.5 * ((1.0 - x) - (Math.Sin(Math.PI * x) / Math.PI));
        }

        // Trapezoid rule on 256 intervals: schedules are smooth or piecewise constant, and the controller only needs a few digits.
        const int Intervals = 256;
        double h = (1.0 - x) / Intervals, sum = 0.5 * (_factor(x) + _factor(1.0));
        for (int i = 1; i < Intervals; i++)
        {
            sum += _factor(x + (i * h));
        }

        return Math.Max(0.0, sum * h);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
