using System;

namespace Dwf.Training;

/// <summary>Training produced a NaN or infinite loss, gradient or weight and was stopped.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message, int epoch, long step, string? parameter)
        : base(message)
    {
        Epoch = epoch;
        Step = step;
        Parameter = parameter;
    }

    /// <summary>1-based epoch in which it happened.</summary>
    public int Epoch { get; }

    /// <summary>Global step (0-based) at which it was detected.</summary>
    public long Step { get; }

    /// <summary>The first parameter found with a non-finite value or gradient, if any.</summary>
    public string? Parameter { get; }
}
