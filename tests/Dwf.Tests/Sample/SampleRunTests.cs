using System;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Datasets;
using Dwf.Numerics;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Mnist.Deployment;
using Dwf.Samples.Mnist.Output;
using Dwf.Samples.Mnist.Plots;
using Dwf.Samples.Mnist.Running;
using Dwf.Samples.Models;
using Dwf.Tests.Data;
using Dwf.Tests.Datasets;
using Spectre.Console;
using Xunit;

namespace Dwf.Tests.Sample;

/// <summary>Runs of the whole sample on tiny synthetic MNIST-format data (seconds, not minutes).</summary>
/// <remarks>Not in parallel with other tests: the runs seed TorchSharp's global random generator and compare results.</remarks>
[CollectionDefinition(nameof(SampleRunTests), DisableParallelization = true)]
[Collection(nameof(SampleRunTests))]
public sealed class SampleRunTests : IDisposable
{
    private static readonly string[] ResultFiles =
    {
        TrainingCurvesPlot.FileName,
        DeployedModel.FileName,
        MetricsCsv.EpochsFileName,
        LayerSparsityPlot.FileName,
        MetricsCsv.LayersFileName,
        RunDescriptionFile.FileName,
        WeightHistogramPlot.FileName,
    };

    private static readonly byte[] PngSignature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

    private readonly TemporaryDirectory _root = new();
    private readonly string _data;

    public SampleRunTests() => _data = SyntheticMnist.Write(_root.File("data"));

    public void Dispose() => _root.Dispose();

    private SampleOptions Options(string output, int depth = SampleDefaults.Depth, long seed = 7, double? lambda = 1e-3, bool resume = false, string model = "lenet300", double? target = null) =>
        OptionValidation.Resolve(new RawOptions
        {
            Model = model,
            Depth = depth,
            Lambda = lambda,
            TargetCompression = target,
            LearningRate = 0.05,
            Epochs = 2,
            BatchSize = 64,
            Seed = seed,
            OutputDirectory = output,
            DataDirectory = _data,
            Resume = resume,
        });

    private static string Run(SampleOptions options, CancellationToken cancellation = default)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 240;
        SampleRun.Execute(options, console, cancellation);
        return text.ToString();
    }

    private static string[] Entries(string directory) =>
        Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void A_tiny_run_publishes_the_model_metrics_and_three_png_plots_and_nothing_else()
    {
        string output = _root.File("out");

        string console = Run(Options(output));

        Assert.Equal(ResultFiles.Order(StringComparer.Ordinal), Entries(output));
        foreach (string plot in new[] { TrainingCurvesPlot.FileName, LayerSparsityPlot.FileName, WeightHistogramPlot.FileName })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(output, plot));
            Assert.Equal(PngSignature, png.Take(8));
            Assert.True(png.Length > 10_000, $"{plot} has only {png.Length} bytes");
        }

        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, MetricsCsv.EpochsFileName)).Length); // header + 2 epochs
        Assert.Contains("epoch 2/2", console);
        Assert.Contains("identical outputs on all 64 test images", console);
        Assert.Contains("reloaded into the plain LeNet300 class", console);

        // Which CPU and which backend path produced these numbers: first on the console, then in run.txt.
        string verdict = NativeNumerics.EnsureChecked().Describe();
        Assert.StartsWith(verdict, console.TrimStart(), StringComparison.Ordinal);
        var description = File.ReadAllLines(Path.Combine(output, RunDescriptionFile.FileName));
        Assert.StartsWith("command: dotnet run --project samples/Dwf.Samples.Mnist", description[0], StringComparison.Ordinal);
        Assert.StartsWith($"machine: {CpuDescription.Describe()}, ", description[1], StringComparison.Ordinal);
        Assert.Equal(verdict, description[2]);
        Assert.StartsWith("options: model lenet300, dataset mnist, depth 3, lambda 0.001, lr 0.05, epochs 2, batch 64, seed 7", description[3], StringComparison.Ordinal);

        // The deployed file is an ordinary state dict of the class without [Factorize], readable by TorchSharp itself.
        using var plain = new LeNet300();
        plain.load(Path.Combine(output, DeployedModel.FileName));
        Assert.Equal(new[] { "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "fc3.bias", "fc3.weight" }, plain.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_run_with_a_target_shows_target_projection_and_lambda_every_epoch_and_records_them()
    {
        string output = _root.File("target");

        string console = Run(Options(output, lambda: null, target: 20));

        Assert.Contains("target CR 20 at the end (λ steered", console);
        Assert.Matches(@"epoch 1/2 .* CR [0-9.]+ → target 20\.0 \(projected [0-9.]+, λ [0-9.e-]+\)", console);
        Assert.Matches(@"epoch 2/2 .* CR [0-9.]+ → target 20\.0 \(projected [0-9.]+, λ [0-9.e-]+\)", console);
        Assert.Contains("target compression 20 (final lambda ", File.ReadAllText(Path.Combine(output, RunDescriptionFile.FileName)));
    }

    [Fact]
    public void A_tiny_lenet5_run_deploys_into_the_plain_lenet5_class()
    {
        string output = _root.File("lenet5");

        string console = Run(Options(output, model: "lenet5"));

        Assert.Contains("FactorizedLeNet5 [Factorize(Depth = 3)]", console);
        Assert.Contains("reloaded into the plain LeNet5 class", console);
        Assert.Contains("identical outputs on all 64 test images", console);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(output, MetricsCsv.LayersFileName)).Length - 1);
    }

    [Fact]
    public void Another_depth_runs_the_plain_class_with_a_run_time_plan()
    {
        string output = _root.File("depth2");

        string console = Run(Options(output, depth: 2));

        Assert.Contains("LeNet300 + Factorization.Attach(Depth = 2)", console);
        var layers = File.ReadAllLines(Path.Combine(output, MetricsCsv.LayersFileName)).Skip(1).ToArray();
        Assert.Equal(3, layers.Length);
        Assert.All(layers, line => Assert.Equal("2", line.Split(',')[2]));
    }

    [Fact]
    public void The_same_seed_gives_the_same_numbers_and_model_and_another_seed_does_not()
    {
        string first = _root.File("seed-a");
        string second = _root.File("seed-b");
        string other = _root.File("seed-c");

        Run(Options(first, seed: 3));
        Run(Options(second, seed: 3));
        Run(Options(other, seed: 4));

        Assert.Equal(NumbersWithoutTimes(first), NumbersWithoutTimes(second));
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, DeployedModel.FileName)), File.ReadAllBytes(Path.Combine(second, DeployedModel.FileName)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, DeployedModel.FileName)), File.ReadAllBytes(Path.Combine(other, DeployedModel.FileName)));
    }

    [Fact]
    public void Damaged_data_fails_before_the_output_folder_is_created()
    {
        string output = _root.File("never");
        File.WriteAllBytes(Path.Combine(_data, "t10k-images-idx3-ubyte"), IdxBytes.Images(64).Take(1000).ToArray());

        var error = Assert.Throws<DatasetFormatException>(() => Run(Options(output)));

        Assert.Contains("t10k-images-idx3-ubyte", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_interrupted_run_leaves_only_its_checkpoint_and_resumes_to_the_uninterrupted_result()
    {
        string reference = _root.File("uninterrupted");
        string output = _root.File("interrupted");
        Run(Options(reference));
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => Run(Options(output), cancelled.Token));
        }

        Assert.Equal(new[] { ResumableCheckpoint.FileName, ResumableCheckpoint.OptionsFileName }.Order(StringComparer.Ordinal), Entries(output));
        var mismatch = Assert.Throws<InvalidOptionException>(() => Run(Options(output, lambda: 2e-3, resume: true)));
        Assert.Contains("--lambda 0.001", mismatch.Message);
        Assert.Contains("--lambda 0.002", mismatch.Message);

        string console = Run(Options(output, resume: true));

        Assert.Contains("resumed from", console);
        Assert.Equal(ResultFiles.Order(StringComparer.Ordinal), Entries(output));
        Assert.Equal(NumbersWithoutTimes(reference), NumbersWithoutTimes(output));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, DeployedModel.FileName)), File.ReadAllBytes(Path.Combine(output, DeployedModel.FileName)));
    }

    [Fact]
    public void A_diverging_run_says_so_in_one_line_and_leaves_no_output_folder()
    {
        string output = _root.File("diverged");
        var options = Options(output, depth: 4) with { LearningRate = 10, BatchSize = 8 };

        var error = Assert.Throws<Dwf.Training.TrainingDivergedException>(() => Run(options));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("Lower the learning rate", error.Message);
        Assert.False(Directory.Exists(output));
    }

    // epochs.csv without the wall-time column.
    private static string[] NumbersWithoutTimes(string output) =>
        File.ReadAllLines(Path.Combine(output, MetricsCsv.EpochsFileName)).Select(line => line[..line.LastIndexOf(',')]).ToArray();
}
