using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Deployment;

/// <summary>
/// Times forward passes of several forms of a model the fair way on a shared machine: in interleaved rounds
/// (every round runs every form, in a rotating order), each measurement long enough for the clock
/// (≥ <see cref="MinimumMeasurement"/>), and reports the median time per forward over the rounds.
/// </summary>
internal static class ForwardTimer
{
    public static readonly TimeSpan MinimumMeasurement = TimeSpan.FromMilliseconds(20);

    public static IReadOnlyList<TimeSpan> MedianPerForward(IReadOnlyList<nn.Module<Tensor, Tensor>> forms, Tensor input, int rounds)
    {
        using var noGrad = no_grad();
        // Warm up, then pick a repetition count per form so one measurement lasts long enough.
        var repetitions = new int[forms.Count];
        for (int f = 0; f < forms.Count; f++)
        {
            Run(forms[f], input, 3);
            double perForward = Measure(forms[f], input, 10).TotalMilliseconds / 10;
            repetitions[f] = (int)Math.Clamp(Math.Ceiling(MinimumMeasurement.TotalMilliseconds / Math.Max(perForward, 0.0005)), 1, 100_000);
        }

        var samples = forms.Select(_ => new List<double>()).ToArray();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < forms.Count; k++)
            {
                int f = (round + k) % forms.Count;
                var elapsed = Measure(forms[f], input, repetitions[f]);
                samples[f].Add(elapsed.TotalMilliseconds / repetitions[f]);
            }
        }

        return samples.Select(s => TimeSpan.FromMilliseconds(Median(s))).ToArray();
    }

    private static TimeSpan Measure(nn.Module<Tensor, Tensor> form, Tensor input, int repetitions)
    {
        var clock = Stopwatch.StartNew();
        Run(form, input, repetitions);
        return clock.Elapsed;
    }

    private static void Run(nn.Module<Tensor, Tensor> form, Tensor input, int repetitions)
    {
        for (int i = 0; i < repetitions; i++)
        {
            using var scope = NewDisposeScope();
            form.call(input);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
