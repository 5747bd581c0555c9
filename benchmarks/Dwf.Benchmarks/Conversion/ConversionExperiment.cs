using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Dwf.Benchmarks.Shared;
using Dwf.Benchmarks.Verbs;
using Dwf.Data;
using Dwf.Samples.Models;
using Dwf.Serialization;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Conversion;

/// <summary>One line of the conversion table.</summary>
internal sealed record ConversionRow(string Model, int Epochs, double Accuracy, double CompressionRatio, double CompressionRatioAt1e3, long NonZero, long Total, double Seconds);

/// <summary>
/// Converting a pretrained model, end to end on LeNet-300-100/MNIST: train dense → save → load into the
/// factorized model → factorize from the loaded weights → fine-tune with the penalty → collapse; next to the
/// factorized model trained from scratch with the fine-tuning budget and with the whole budget.
/// </summary>
internal static class ConversionExperiment
{
    public static (IReadOnlyList<ConversionRow> Rows, double MaxOutputDifference) Run(ConversionSettings s)
    {
        var (train, test) = Mnist.Load(s.DataDirectory);
        using var trainData = train;
        using var testData = test;
        var rows = new List<ConversionRow>();

        // 1. Dense training (plain SGD over all parameters, same loop and schedule), or a checkpoint of an identical earlier run.
        string checkpoint = Path.Combine(s.WorkDirectory, FormattableString.Invariant($"dense-lenet300-e{s.DenseEpochs}-lr{s.DenseLearningRate}-s{s.Seed}.dat"));
        var dense = CommonOptions.Place(new LeNet300(), s.Device);
        if (s.ReuseDense && File.Exists(checkpoint))
        {
            StateDictFile.Load(dense, checkpoint);
            var (_, reusedAccuracy) = Evaluation.Evaluate(dense, test, flatten: true);
            Console.WriteLine($"dense LeNet-300-100 reused from {checkpoint}: test acc {reusedAccuracy:P2}");
            rows.Add(new ConversionRow("dense (checkpoint of an identical earlier run)", s.DenseEpochs, reusedAccuracy, 1.0, 1.0, dense.WeightCount(), dense.WeightCount(), double.NaN));
        }
        else
        {
            Console.WriteLine($"dense LeNet-300-100, {s.DenseEpochs} epochs, lr {s.DenseLearningRate}");
            manual_seed(s.Seed);
            dense = CommonOptions.Place(new LeNet300(), s.Device);
            var clock = Stopwatch.StartNew();
            var denseResult = new Trainer(dense, Options(s, s.DenseEpochs, s.DenseLearningRate)).Fit(train, test, new EpochPrinter("dense"));
            rows.Add(new ConversionRow("dense", s.DenseEpochs, denseResult.Final.TestAccuracy, 1.0, 1.0, dense.WeightCount(), dense.WeightCount(), clock.Elapsed.TotalSeconds));
            StateDictFile.Save(dense, checkpoint);
            Console.WriteLine($"  saved {checkpoint}");
        }

        double denseAccuracy = rows[0].Accuracy;

        // 2. Conversion: the factorized model loads the dense checkpoint's plain keys and factorizes them.
        manual_seed(s.Seed + 1);
        var converted = CommonOptions.Place(new LeNet300(), s.Device);
        var factorization = Factorization.Attach(converted, Plan(s));
        StateDictFile.LoadDenseAndFactorize(converted, checkpoint);
        var (_, convertedAccuracy) = Evaluation.Evaluate(converted, test, flatten: true);
        double difference = MaxRelativeOutputDifference(dense, converted, test);
        var atConversion = factorization.Sparsity();
        rows.Add(new ConversionRow("converted (factorized from the dense weights, before fine-tuning)", 0, convertedAccuracy, atConversion.CompressionRatio, factorization.Sparsity(1e-3).CompressionRatio, atConversion.NonZeroWeights, atConversion.TotalWeights, 0));
        Console.WriteLine($"  converted: test acc {convertedAccuracy:P2} (dense {denseAccuracy:P2}), max relative logit difference {difference:G3}");

        // 3. Fine-tuning with the penalty, then collapse.
        Console.WriteLine($"fine-tuning the converted model, {s.FineTuneEpochs} epochs, lr {s.LearningRate}, λ {s.Lambda}, D {s.Depth}");
        rows.Add(TrainAndCollapse($"converted + fine-tuned {s.FineTuneEpochs} epochs, collapsed", converted, factorization, s, s.FineTuneEpochs, train, test));

        // 4. From scratch with the fine-tuning budget and with the whole budget.
        var budgets = s.TotalBudget ? new[] { s.FineTuneEpochs, s.DenseEpochs + s.FineTuneEpochs } : new[] { s.FineTuneEpochs };
        foreach (int epochs in budgets)
        {
            Console.WriteLine($"factorized from scratch, {epochs} epochs");
            manual_seed(s.Seed + 2);
            var scratch = CommonOptions.Place(new LeNet300(), s.Device);
            var scratchFactorization = Factorization.Attach(scratch, Plan(s));
            rows.Add(TrainAndCollapse($"from scratch {epochs} epochs, collapsed", scratch, scratchFactorization, s, epochs, train, test));
        }

        return (rows, difference);
    }

    private static ConversionRow TrainAndCollapse(string label, LeNet300 model, Factorization factorization, ConversionSettings s, int epochs, ImageClassificationDataset train, ImageClassificationDataset test)
    {
        var clock = Stopwatch.StartNew();
        new Trainer(model, Options(s, epochs, s.LearningRate)).Fit(train, test, new EpochPrinter(label.Split(',')[0]));
        double seconds = clock.Elapsed.TotalSeconds;
        double at1e3 = factorization.Sparsity(1e-3).CompressionRatio;
        var report = factorization.Collapse();
        var (_, accuracy) = Evaluation.Evaluate(model, test, flatten: true);
        Console.WriteLine($"  {label}: test acc {accuracy:P2}, CR {report.CompressionRatio:F1}");
        return new ConversionRow(label, epochs, accuracy, report.CompressionRatio, at1e3, report.NonZeroWeights, report.TotalWeights, seconds);
    }

    private static TrainingOptions Options(ConversionSettings s, int epochs, double lr) => new()
    {
        Epochs = epochs,
        LearningRate = lr,
        Momentum = 0.9,
        BatchSize = 128,
        Seed = s.Seed,
        Flatten = true,
        Device = s.Device,
    };

    private static FactorizationPlan Plan(ConversionSettings s) =>
        new(new FactorizationOptions { Depth = s.Depth, Lambda = s.Lambda }, nameof(LeNet300));

    // max over the test set of |logits_converted − logits_dense| / max |logits_dense|.
    private static double MaxRelativeOutputDifference(LeNet300 dense, LeNet300 converted, ImageClassificationDataset test)
    {
        dense.eval();
        converted.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var flat = test.FlatView();
        using var images = flat.to(Devices.Of(dense));
        var a = dense.call(images);
        var b = converted.call(images);
        return a.sub(b).abs().max().item<float>() / a.abs().max().item<float>();
    }

    private static long WeightCount(this LeNet300 model)
    {
        long count = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                count += parameter.numel();
            }
        }

        return count;
    }
}
