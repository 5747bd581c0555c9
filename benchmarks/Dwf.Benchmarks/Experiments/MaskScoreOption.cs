using System;

namespace Dwf.Benchmarks.Experiments;

/// <summary>The command-line spellings of <see cref="MaskScore"/> (<c>--mask-score</c> of the experiments and norm-trace verbs).</summary>
internal static class MaskScoreOption
{
    /// <summary>automatic, flow or magnitude; anything else is an error naming <paramref name="option"/>.</summary>
    public static MaskScore Parse(string value, string option) => value switch
    {
        "automatic" => MaskScore.Automatic,
        "flow" => MaskScore.SynapticFlow,
        "magnitude" => MaskScore.Magnitude,
        _ => throw new ArgumentException($"{option} must be 'automatic' (the default: flow on nets with BatchNorm, magnitude without), 'flow' or 'magnitude', got '{value}'."),
    };
}
