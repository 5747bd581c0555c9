using System;
using System.Diagnostics;
using System.Threading;
using Dwf.Numerics;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Mnist.Data;
using Dwf.Samples.Mnist.Deployment;
using Dwf.Samples.Mnist.Models;
using Dwf.Samples.Mnist.Output;
using Dwf.Samples.Mnist.Plots;
using Dwf.Samples.Mnist.Progress;
using Dwf.Samples.Mnist.Reporting;
using Dwf.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Running;

/// <summary>
/// One run of the sample: data, factorized model, training with progress, collapse, deployment and reload,
/// plots. Results are staged and published together at the end (<see cref="OutputFolder"/>).
/// </summary>
internal static class SampleRun
{
    public static void Execute(SampleOptions options, IAnsiConsole console, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        var clock = Stopwatch.StartNew();

        // Before any convolution runs: on some CPUs libtorch's float32 convolutions are wrong as shipped (docs/reliability.md).
        var numerics = NativeNumerics.EnsureChecked();
        RunReport.Note(console, numerics.Describe());

        // Data first: a missing or damaged dataset must fail before anything is created in the output folder.
        using var data = DataAcquisition.Load(options, line => RunReport.Note(console, line));
        using var output = OutputFolder.Open(options.OutputDirectory);
        var (checkpoint, resume, note) = ResumableCheckpoint.Prepare(output, options);

        // The seed fixes the layers' initialization and the factors drawn from it; the trainer seeds the batch order.
        manual_seed(options.Seed);
        using var model = ModelFactory.CreateFactorized(options.Model, options.Depth, options.Lambda);
        RunReport.Header(console, options, model, data.Train);
        if (note is not null)
        {
            RunReport.Note(console, note);
        }

        float[] initialWeights = WeightSnapshot.Take(model.Factorization);
        var trainer = new Trainer(model.Module, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Momentum = SampleDefaults.Momentum,
            Seed = options.Seed,
            Flatten = model.FlattenInputs,
            CheckpointPath = checkpoint,
            Resume = resume,
            TargetCompression = options.TargetCompression,
            Device = options.Device,
        });
        TrainingResult training;
        try
        {
            training = ProgressDisplay.Run(console, options.Epochs, observer => trainer.Fit(data.Train, data.Test, observer, cancellation));
        }
        catch
        {
            ResumableCheckpoint.RemoveRecordWithoutCheckpoint(output);
            throw;
        }

        double compressionAt1e3 = model.Factorization.Sparsity(1e-3).CompressionRatio;
        var collapsed = model.Factorization.Collapse();
        var (_, collapsedAccuracy) = Evaluation.Evaluate(model.Module, data.Test, flatten: model.FlattenInputs);
        var deployment = DeployedModel.SaveAndReload(model, options.Model, data.Test, output.Stage(DeployedModel.FileName));

        string title = PlotTitle(options);
        float[] collapsedWeights = WeightSnapshot.Take(model.Factorization);
        var (low, high) = LogMagnitudeHistogram.CommonRange(initialWeights, collapsedWeights);
        WeightHistogramPlot.Save(
            LogMagnitudeHistogram.Of(initialWeights, low, high),
            LogMagnitudeHistogram.Of(collapsedWeights, low, high),
            $"log10|W| of the factorized weights: {title}",
            output.Stage(WeightHistogramPlot.FileName));
        TrainingCurvesPlot.Save(training.History, title, output.Stage(TrainingCurvesPlot.FileName));
        LayerSparsityPlot.Save(collapsed, $"Per-layer sparsity after collapse: {title}", output.Stage(LayerSparsityPlot.FileName));
        MetricsCsv.WriteEpochs(training.History, output.Stage(MetricsCsv.EpochsFileName));
        MetricsCsv.WriteLayers(collapsed, output.Stage(MetricsCsv.LayersFileName));
        RunDescriptionFile.Write(output.Stage(RunDescriptionFile.FileName), options, numerics, training, collapsedAccuracy, collapsed);

        var files = output.Publish();
        ResumableCheckpoint.Remove(output);
        RunReport.Results(console, options, training, collapsed, compressionAt1e3, collapsedAccuracy, deployment, files, clock.Elapsed);
    }

    private static string PlotTitle(SampleOptions options) => FormattableString.Invariant(
        $"{ModelNames.DisplayName(options.Model)}, {ModelNames.Name(options.Dataset)}, D = {options.Depth}, λ = {options.Lambda:R}, lr = {options.LearningRate:R}");
}
