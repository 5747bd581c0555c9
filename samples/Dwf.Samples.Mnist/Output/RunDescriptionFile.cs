using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Dwf.Numerics;
using Dwf.Samples.Mnist.Cli;
using Dwf.Training;

namespace Dwf.Samples.Mnist.Output;

/// <summary>
/// <c>run.txt</c>: how the results in the folder were made: the command, the machine, the native-numerics
/// verdict (which CPU, oneDNN as shipped or switched off), the options and the outcome. Floats differ slightly
/// from one CPU to another; this file says which one produced these.
/// </summary>
internal static class RunDescriptionFile
{
    public const string FileName = "run.txt";

    public static void Write(string path, SampleOptions options, NumericsVerdict numerics, TrainingResult training, double collapsedAccuracy, SparsityReport collapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(("command: dotnet run --project samples/Dwf.Samples.Mnist -c Release -- " + string.Join(' ', Environment.GetCommandLineArgs()[1..])).TrimEnd());
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {numerics.Cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}");
        text.AppendLine(numerics.Describe());
        text.AppendLine(CultureInfo.InvariantCulture, $"options: model {ModelNames.Name(options.Model)}, dataset {ModelNames.Name(options.Dataset)}, depth {options.Depth}, {(options.TargetCompression is double target ? FormattableString.Invariant($"target compression {target:R} (final lambda {training.Final.Lambda:R})") : FormattableString.Invariant($"lambda {options.Lambda:R}"))}, lr {options.LearningRate:R}, epochs {options.Epochs}, batch {options.BatchSize}, seed {options.Seed}, device {options.Device}");
        text.AppendLine(CultureInfo.InvariantCulture, $"result: test accuracy {training.Final.TestAccuracy:R} after training, {collapsedAccuracy:R} after collapse; compression ratio {SparsityReport.FormatRatio(collapsed.CompressionRatio)} ({collapsed.NonZeroWeights} of {collapsed.TotalWeights} weights non-zero)");
        File.WriteAllText(path, text.ToString());
    }
}
