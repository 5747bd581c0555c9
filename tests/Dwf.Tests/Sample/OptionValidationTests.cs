using System.IO;
using Dwf.Datasets;
using Dwf.Samples.Mnist.Cli;
using Dwf.Tests.Data;
using Xunit;

namespace Dwf.Tests.Sample;

public sealed class OptionValidationTests
{
    [Fact]
    public void No_options_give_the_lenet300_recipe_on_mnist()
    {
        var options = SampleOptionsBuilder.Resolve(new RawOptions());

        var recipe = SampleDefaults.For(ModelKind.LeNet300);
        Assert.Equal(ModelKind.LeNet300, options.Model);
        Assert.Equal(MnistVariant.Mnist, options.Dataset);
        Assert.Equal(FactorizationDefaults.Depth, options.Depth);
        Assert.Equal(recipe.Lambda, options.Lambda);
        Assert.Equal(recipe.LearningRate, options.LearningRate);
        Assert.Equal(recipe.Epochs, options.Epochs);
        Assert.Equal(SampleDefaults.BatchSize, options.BatchSize);
        Assert.Equal(Path.Combine("out", "lenet300-mnist"), options.OutputDirectory);
        Assert.Null(options.DataDirectory);
        Assert.False(options.Resume);
    }

    [Fact]
    public void Model_defaults_follow_the_chosen_model_and_explicit_values_win()
    {
        var lenet5 = SampleOptionsBuilder.Resolve(new RawOptions { Model = "LeNet5", Dataset = "fashion-mnist" });
        var explicitValues = SampleOptionsBuilder.Resolve(new RawOptions { Model = "lenet5", Lambda = 0, LearningRate = 0.05, Epochs = 2, Depth = 4 });

        Assert.Equal(ModelKind.LeNet5, lenet5.Model);
        Assert.Equal(MnistVariant.FashionMnist, lenet5.Dataset);
        Assert.Equal(SampleDefaults.For(ModelKind.LeNet5).Epochs, lenet5.Epochs);
        Assert.Equal(SampleDefaults.For(ModelKind.LeNet5).LearningRate, lenet5.LearningRate);
        Assert.Equal(Path.Combine("out", "lenet5-fashion-mnist"), lenet5.OutputDirectory);
        Assert.Equal(0, explicitValues.Lambda);
        Assert.Equal(0.05, explicitValues.LearningRate);
        Assert.Equal(2, explicitValues.Epochs);
        Assert.Equal(4, explicitValues.Depth);
    }

    [Theory]
    [InlineData("--model: unknown model 'resnet'; choose one of lenet300|lenet5", "resnet", null)]
    [InlineData("--dataset: unknown dataset 'cifar10'; choose one of mnist|fashion-mnist", null, "cifar10")]
    public void Unknown_model_or_dataset_lists_the_choices(string expected, string? model, string? dataset)
    {
        Assert.Equal(expected, SampleOptionsBuilder.ErrorOf(new RawOptions { Model = model, Dataset = dataset }));
    }

    [Fact]
    public void Each_out_of_range_value_names_its_option_and_the_value()
    {
        Assert.Equal("--depth must be at least 2 (D = 2 is the lasso, D ≥ 3 is deep factorization), got 1", SampleOptionsBuilder.ErrorOf(new RawOptions { Depth = 1 }));
        Assert.Equal($"--depth must be at most {OptionValidation.MaxDepth}, got 50", SampleOptionsBuilder.ErrorOf(new RawOptions { Depth = 50 }));
        Assert.Equal("--lambda must be finite and ≥ 0 (0 trains without the penalty), got -0.001", SampleOptionsBuilder.ErrorOf(new RawOptions { Lambda = -1e-3 }));
        Assert.Equal("--lambda must be finite and ≥ 0 (0 trains without the penalty), got NaN", SampleOptionsBuilder.ErrorOf(new RawOptions { Lambda = double.NaN }));
        Assert.Equal("--lr must be finite and > 0, got 0", SampleOptionsBuilder.ErrorOf(new RawOptions { LearningRate = 0 }));
        Assert.StartsWith("--lr must be at most 10", SampleOptionsBuilder.ErrorOf(new RawOptions { LearningRate = 50 }));
        Assert.Equal("--epochs must be at least 1, got 0", SampleOptionsBuilder.ErrorOf(new RawOptions { Epochs = 0 }));
        Assert.Equal("--batch-size must be at least 1, got -5", SampleOptionsBuilder.ErrorOf(new RawOptions { BatchSize = -5 }));
        Assert.Equal("--seed must be ≥ 0, got -1", SampleOptionsBuilder.ErrorOf(new RawOptions { Seed = -1 }));
    }

    [Fact]
    public void A_target_compression_ratio_replaces_lambda_and_bad_ones_are_refused()
    {
        var options = SampleOptionsBuilder.Resolve(new RawOptions { TargetCompression = 100 });
        Assert.Equal(100, options.TargetCompression);
        Assert.Equal(FactorizationDefaults.Lambda, options.Lambda); // where the controller starts
        Assert.Contains("target CR 100", options.Describe(), System.StringComparison.Ordinal);
        Assert.Null(SampleOptionsBuilder.Resolve(new RawOptions()).TargetCompression);

        Assert.Equal(
            "--lambda and --target-cr cannot be used together: with a target compression ratio λ is steered during training; drop one of them",
            SampleOptionsBuilder.ErrorOf(new RawOptions { Lambda = 3e-4, TargetCompression = 100 }));
        Assert.Equal("--target-cr must be finite and > 1 (total / non-zero weights: 100 means 99 % of the weights are zero), got 1", SampleOptionsBuilder.ErrorOf(new RawOptions { TargetCompression = 1 }));
        Assert.StartsWith("--target-cr must be finite and > 1", SampleOptionsBuilder.ErrorOf(new RawOptions { TargetCompression = double.PositiveInfinity }), System.StringComparison.Ordinal);
    }

    [Fact]
    public void Output_that_is_a_file_and_a_missing_data_directory_are_rejected()
    {
        using var directory = new TemporaryDirectory();
        string file = directory.File("results.txt");
        File.WriteAllText(file, "not a folder");
        string missing = directory.File("no-such-dir");

        Assert.Equal($"--out {file} is a file; pass a directory (it is created if needed)", SampleOptionsBuilder.ErrorOf(new RawOptions { OutputDirectory = file }));
        Assert.Equal(
            $"--data-dir {missing} does not exist; pass a directory holding the four IDX files (raw or .gz)",
            SampleOptionsBuilder.ErrorOf(new RawOptions { DataDirectory = missing }));
    }
}
