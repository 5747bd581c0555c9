using Dwf.Numerics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Stability;

/// <summary>
/// Watches a factorized run step by step: the loss, and per factorized layer the largest |W| and the largest
/// effective learning rate on W, lr_f · Σ_d Π_{k≠d} w_k² (what one SGD step of the factors does to W, = D·|W|^(2−2/D)·lr_f
/// when the factors are balanced), uncapped, and the rate the effective-rate bound lets through (at most cap × the dense
/// rate). Stops the run after a number of steps.
/// </summary>
internal sealed class StabilityTrace : ITrainingObserver
{
    private readonly Factorization _factorization;
    private readonly Func<int, double> _factorRate;
    private readonly double _appliedRateLimit;
    private readonly int _every;
    private readonly long _stopAfter;
    private readonly CancellationTokenSource _stop;
    private long _step;

    /// <param name="appliedRateLimit">cap × the dense rate: the largest effective rate the bound applies (∞: no bound).</param>
    public StabilityTrace(Factorization factorization, Func<int, double> factorRate, double appliedRateLimit, int every, long stopAfter, CancellationTokenSource stop)
    {
        _factorization = factorization;
        _factorRate = factorRate;
        _appliedRateLimit = appliedRateLimit;
        _every = every;
        _stopAfter = stopAfter;
        _stop = stop;
    }

    public List<string> Lines { get; } = new();

    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>Largest effective rate seen per layer over the run (uncapped: how far the bound had to act).</summary>
    public Dictionary<string, double> PeakEffectiveRate { get; } = new(StringComparer.Ordinal);

    public void OnBatch(int epoch, long batch, long batches, double loss)
    {
        _step++;
        LastLoss = loss;
        if (_step % _every == 0 || _step == 1)
        {
            Lines.Add(Describe(loss));
        }

        if (_step >= _stopAfter)
        {
            _stop.Cancel();
        }
    }

    private string Describe(double loss)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = new List<string>();
        foreach (var weight in _factorization.Weights)
        {
            var factors = Enumerable.Range(0, weight.Depth).Select(d => weight.Factor(d).detach().to(float64)).ToArray();
            Tensor? sum = null;
            for (int d = 0; d < weight.Depth; d++)
            {
                Tensor product = ones_like(factors[0]);
                for (int k = 0; k < weight.Depth; k++)
                {
                    if (k != d)
                    {
                        product = product.mul(factors[k].square());
                    }
                }

                sum = sum is null ? product : sum.add(product, Scalars.One);
            }

            double rate = sum!.max().item<double>() * _factorRate(weight.Depth);
            double maxW = weight.Weight.detach().abs().max().to(float64).item<double>();
            PeakEffectiveRate[weight.Path] = Math.Max(PeakEffectiveRate.GetValueOrDefault(weight.Path), rate);
            string applied = double.IsFinite(_appliedRateLimit) ? string.Create(CultureInfo.InvariantCulture, $" (applied {Math.Min(rate, _appliedRateLimit):G3})") : string.Empty;
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{weight.Path} max|W| {maxW:G3} eff.rate {rate:G3}{applied}"));
        }

        return string.Create(CultureInfo.InvariantCulture, $"step {_step}: loss {loss:G4}; {string.Join("; ", parts)}");
    }
}
