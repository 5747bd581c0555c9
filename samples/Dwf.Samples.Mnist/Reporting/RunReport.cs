using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Mnist.Deployment;
using Dwf.Samples.Mnist.Models;
using Dwf.Samples.Mnist.Progress;
using Dwf.Training;
using Spectre.Console;

namespace Dwf.Samples.Mnist.Reporting;

/// <summary>The console text of a run around the progress display: what is trained, and what came out.</summary>
internal static class RunReport
{
    public static void Note(IAnsiConsole console, string text) => console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public static void Header(IAnsiConsole console, SampleOptions options, SampleModel model, ImageClassificationDataset train)
    {
        var sparsity = model.Factorization.Sparsity();
        console.WriteLine();
        console.MarkupLine($"[bold]Deep weight factorization: {Markup.Escape(ModelNames.DisplayName(options.Model))} on {Markup.Escape(MnistCatalog.DisplayName(options.Dataset))}[/]");
        Field(console, "model", $"{model.Construction}: {sparsity.Layers.Count} factorized layers, {NumberFormat.Count(sparsity.TotalWeights)} weights, each W = w_1 ⊙ … ⊙ w_{options.Depth}");
        Field(console, "training", string.Create(
            CultureInfo.InvariantCulture,
            $"{(options.TargetCompression is double target ? FormattableString.Invariant($"target CR {target:R} at the end (λ steered, from {options.Lambda:R} × min(2, ½·(CR/100)^(2/3)))") : FormattableString.Invariant($"λ = {options.Lambda:R}"))}, SGD lr {options.LearningRate:R}, factors × {DepthLearningRate.Multiplier(options.Depth):R} = {options.LearningRate * DepthLearningRate.Multiplier(options.Depth):R} (momentum {SampleDefaults.Momentum:R}, cosine to 0), {NumberFormat.Plural(options.Epochs, "epoch")} × {NumberFormat.Plural(Batches(train.Count, options.BatchSize), "batch", "batches")} of {options.BatchSize}, seed {options.Seed}"));
        if (options.Device.type != TorchSharp.DeviceType.CPU)
        {
            // Only off the CPU: the CPU is the default here, and its runs keep the output the sample's README.md shows.
            Field(console, "device", $"{options.Device} (TorchSharp backend {DeviceOption.Backend}); the SGD step runs as tensor operations, not the fused CPU kernel");
        }

        Field(console, "output", Path.GetFullPath(options.OutputDirectory));
        console.WriteLine();
    }

    public static void Results(
        IAnsiConsole console,
        SampleOptions options,
        TrainingResult training,
        SparsityReport collapsed,
        double compressionAt1e3,
        double collapsedAccuracy,
        DeploymentCheck deployment,
        IReadOnlyList<string> files,
        TimeSpan total)
    {
        console.WriteLine();
        console.Write(SparsityTable.Build(collapsed, $"Collapsed model: exact zeros (|W| < {NumberFormat.Scientific(FactorizationDefaults.CollapseThreshold)} set to 0)"));
        console.WriteLine();
        var final = training.Final;
        Field(console, "test accuracy", $"{NumberFormat.Percent(final.TestAccuracy)} after training, {NumberFormat.Percent(collapsedAccuracy)} after collapse");
        Field(console, "compression", string.Create(
            CultureInfo.InvariantCulture,
            $"CR {SparsityReport.FormatRatio(collapsed.CompressionRatio)}: {NumberFormat.Count(collapsed.NonZeroWeights)} of {NumberFormat.Count(collapsed.TotalWeights)} weights non-zero ({NumberFormat.Percent(collapsed.Sparsity)} sparse); counting |W| < 1e-3 as zero would give CR {SparsityReport.FormatRatio(compressionAt1e3)}"));
        var comparison = deployment.Comparison;
        string identical = comparison.DifferentPredictions == 0 && comparison.MaxLogitDifference == 0
            ? $"identical outputs on all {NumberFormat.Count(comparison.Samples)} test images"
            : string.Create(CultureInfo.InvariantCulture, $"{comparison.DifferentPredictions} of {comparison.Samples} predictions differ, max |Δlogit| = {comparison.MaxLogitDifference:G3}");
        Field(console, "deployed", string.Create(
            CultureInfo.InvariantCulture,
            $"{DeployedModel.FileName} ({deployment.FileBytes / 1024.0:F0} KiB), reloaded into the plain {deployment.PlainClass} class: test accuracy {NumberFormat.Percent(deployment.Accuracy)}, {identical}"));
        Field(console, "files", $"{Path.GetFullPath(options.OutputDirectory)}{Path.DirectorySeparatorChar}: {string.Join(", ", files.Select(Path.GetFileName))}");
        Field(console, "time", $"{NumberFormat.Duration(total)} in total, {NumberFormat.Duration(TimeSpan.FromSeconds(training.History.Sum(m => m.Seconds)))} of training steps");
    }

    private static void Field(IAnsiConsole console, string name, string value) =>
        console.MarkupLine($"  [bold]{Markup.Escape(name.PadRight(14))}[/]{Markup.Escape(value)}");

    private static long Batches(long samples, int batchSize) => (samples + batchSize - 1) / batchSize;
}
