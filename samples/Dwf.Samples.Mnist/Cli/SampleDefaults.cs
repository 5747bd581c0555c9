using System;
using System.Globalization;
using System.Linq;
using Dwf.Datasets;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>The training recipe of one network: what the sample does when the option is not given.</summary>
/// <param name="Lambda">Penalty strength λ (mean-loss convention).</param>
/// <param name="LearningRate">Peak learning rate of the cosine schedule (SGD, momentum 0.9).</param>
/// <param name="Epochs">Passes over the training set.</param>
internal sealed record ModelDefaults(double Lambda, double LearningRate, int Epochs);

/// <summary>
/// Every default of the sample, in one place (the lead's learning-rate × λ × D sweep may move them).
/// </summary>
/// <remarks>
/// Chosen from runs of this sample on the project's 2-core machine (full MNIST, D = 3, SGD momentum 0.9, cosine
/// schedule to 0, batch 128, seed 1, exact collapse threshold 1.19e-7); the sample's README.md, "The defaults and the
/// measurements behind them" lists every run. At fixed λ the learning rate and the number of steps decide how
/// many of the weights the penalty is killing actually reach float epsilon within the budget (the factor decay
/// per step is lr·2λ/D), so λ, lr and epochs are chosen together. The learning rate is the base rate: the
/// factors of a D = 3 model train at 5 × it (<see cref="DepthLearningRate"/>), biases at it. LeNet-300-100: 40 epochs
/// at λ = 3e-4 with the factors at 0.5 gave 97.60 % at CR 151 (30 epochs: 97.58 %, CR 105). LeNet-5 takes about
/// fifteen times the CPU time per epoch, so it gets 10 epochs and a larger λ to reach exact zeros within them:
/// λ = 7e-4 with the factors at 0.5 gave 98.43 % at CR 125 (λ = 5e-4 left CR at 1.1 after 7 of 10 epochs;
/// λ = 1e-3 gave CR 439 but 97.52 %).
/// </remarks>
internal static class SampleDefaults
{
    public const ModelKind Model = ModelKind.LeNet300;

    public const MnistVariant Dataset = MnistVariant.Mnist;

    /// <summary>The depth of the sample models' <c>[Factorize(Depth = 3)]</c>; other depths use the plain class plus a run-time plan.</summary>
    public const int Depth = FactorizationDefaults.Depth;

    public const int BatchSize = 128;

    public const double Momentum = 0.9;

    public const long Seed = 1;

    /// <summary>Where to train: CUDA when <c>torch.cuda.is_available()</c>, else the CPU.</summary>
    public const string Device = "auto";

    /// <summary>
    /// LibTorch intra-op threads. One: LeNet-sized operations are too small to gain from a second thread, and
    /// OpenMP's spin-waiting collapses when the cores are shared (measured on the 2-core machine under load:
    /// one LeNet-300-100 epoch took 78 s with the default two threads and 3.3 s with one, with identical numbers).
    /// </summary>
    public const int TorchThreads = 1;

    /// <summary>Output folder below the current directory: <c>out/&lt;model&gt;-&lt;dataset&gt;</c>.</summary>
    public const string OutputRoot = "out";

    public static ModelDefaults For(ModelKind model) => model switch
    {
        ModelKind.LeNet300 => new ModelDefaults(Lambda: FactorizationDefaults.Lambda, LearningRate: 0.1, Epochs: 40),
        ModelKind.LeNet5 => new ModelDefaults(Lambda: 7e-4, LearningRate: 0.1, Epochs: 10),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    /// <summary>E.g. "0.0003 (lenet300), 0.0003 (lenet5)" for the help text.</summary>
    public static string PerModel(Func<ModelDefaults, string> value) =>
        string.Join(", ", Enum.GetValues<ModelKind>().Select(m => $"{value(For(m))} ({ModelNames.Name(m)})"));

    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
