using System.IO;
using Dwf.Data;
using Dwf.Datasets;
using Xunit;

namespace Dwf.Tests.Datasets;

/// <summary>
/// Runs only where the Debian package <c>dataset-fashion-mnist</c> is installed; elsewhere it is
/// reported as skipped (never as passed).
/// </summary>
public sealed class RealFashionMnistTests
{
    [FactWhenFashionMnistInstalled]
    public void Installed_fashion_mnist_loads_with_standard_checksums_and_documented_statistics()
    {
        var files = MnistSources.Locate(MnistVariant.FashionMnist);

        using var train = MnistDataset.Load(files, DatasetSplit.Train, normalize: false);
        using var test = MnistDataset.Load(files, DatasetSplit.Test);

        Assert.Equal(DataOrigin.SystemPackage, files.Origin);
        Assert.Equal(new long[] { 60000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 10000, 1, 28, 28 }, test.Images.shape);
        // Fashion-MNIST is exactly balanced: 6000 / 1000 images per class.
        Assert.All(train.LabelHistogram(), count => Assert.Equal(6000, count));
        Assert.All(test.LabelHistogram(), count => Assert.Equal(1000, count));
        var statistics = Normalization.Compute(train.Images);
        Assert.Equal(0.2860, statistics.Mean[0], 4);
        Assert.Equal(0.3530, statistics.Std[0], 4);
    }

    private sealed class FactWhenFashionMnistInstalledAttribute : FactAttribute
    {
        public FactWhenFashionMnistInstalledAttribute()
        {
            if (!File.Exists(Path.Combine(DataSourceOptions.DefaultFashionMnistDirectory, MnistCatalog.TrainImagesFileName + ".gz")))
            {
                Skip = $"Fashion-MNIST is not installed in {DataSourceOptions.DefaultFashionMnistDirectory} (apt-get install dataset-fashion-mnist).";
            }
        }
    }
}
