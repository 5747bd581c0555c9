using System.IO;
using Dwf.Samples.Mnist.Cli;
using Xunit;

namespace Dwf.Tests.Sample;

public sealed class SampleCommandTests
{
    private static (RawOptions? Options, int ExitCode, string Output, string Error) Parse(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (options, exitCode) = new SampleCommand().Parse(args, output, error);
        return (options, exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Help_lists_every_option_with_its_default()
    {
        var (options, exitCode, output, _) = Parse("--help");

        Assert.Null(options);
        Assert.Equal(ExitCodes.Success, exitCode);
        var lenet300 = SampleDefaults.For(ModelKind.LeNet300);
        var lenet5 = SampleDefaults.For(ModelKind.LeNet5);
        Assert.Contains("--model <lenet300|lenet5>", output);
        Assert.Contains("[default: lenet300]", output);
        Assert.Contains("--dataset <mnist|fashion-mnist>", output);
        Assert.Contains("[default: mnist]", output);
        Assert.Contains($"[default: {SampleDefaults.Depth}]", output);
        Assert.Contains($"[default: {SampleDefaults.Invariant(lenet300.Lambda)} (lenet300), {SampleDefaults.Invariant(lenet5.Lambda)} (lenet5)]", output);
        Assert.Contains($"[default: {SampleDefaults.Invariant(lenet300.LearningRate)} (lenet300), {SampleDefaults.Invariant(lenet5.LearningRate)} (lenet5)]", output);
        Assert.Contains($"[default: {lenet300.Epochs} (lenet300), {lenet5.Epochs} (lenet5)]", output);
        Assert.Contains($"[default: {SampleDefaults.BatchSize}]", output);
        Assert.Contains($"[default: {SampleDefaults.Seed}]", output);
        Assert.Contains("[default: out/<model>-<dataset>]", output);
        Assert.Contains("--data-dir <dir>", output);
        Assert.Contains("--resume", output);
        Assert.Contains("--target-cr", output);
    }

    [Fact]
    public void Options_are_parsed_culture_invariantly_and_unset_ones_stay_unset()
    {
        var (options, exitCode, _, error) = Parse("--model", "lenet5", "--lambda", "3e-4", "--lr", "0.25", "--epochs", "2", "--out", "/tmp/x", "--resume");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.NotNull(options);
        Assert.Equal("lenet5", options!.Model);
        Assert.Equal(3e-4, options.Lambda);
        Assert.Equal(0.25, options.LearningRate);
        Assert.Equal(2, options.Epochs);
        Assert.Equal("/tmp/x", options.OutputDirectory);
        Assert.True(options.Resume);
        Assert.Null(options.DataDirectory);
    }

    [Theory]
    [InlineData("error: --epochs: 'abc' is not a whole number (see --help)", "--epochs", "abc")]
    [InlineData("error: --lr: '0,5' is not a number such as 0.0003 or 3e-4 (see --help)", "--lr", "0,5")]
    [InlineData("error: --seed: '1.5' is not a whole number (see --help)", "--seed", "1.5")]
    [InlineData("error: Unrecognized command or argument '--bogus'. (see --help)", "--bogus")]
    public void Parse_errors_are_one_line_on_stderr_with_the_usage_exit_code(string expected, params string[] args)
    {
        var (options, exitCode, output, error) = Parse(args);

        Assert.Null(options);
        Assert.Equal(ExitCodes.InvalidUsage, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal(expected + System.Environment.NewLine, error);
    }
}
