using System;
using Dwf.Data;
using Dwf.Datasets;

namespace Dwf.Benchmarks.Shared;

/// <summary>Loads the MNIST splits the verbs train and evaluate on.</summary>
internal static class Mnist
{
    public static (ImageClassificationDataset Train, ImageClassificationDataset Test) Load(string? dataDirectory)
    {
        var options = new DataSourceOptions { DataDirectory = dataDirectory, Log = message => Console.WriteLine($"  {message}") };
        var train = MnistDataset.Load(MnistVariant.Mnist, DatasetSplit.Train, options);
        var test = MnistDataset.Load(MnistVariant.Mnist, DatasetSplit.Test, options);
        return (train, test);
    }
}
