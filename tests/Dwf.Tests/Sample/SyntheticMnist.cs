using System.IO;
using System.Linq;
using Dwf.Tests.Datasets;

namespace Dwf.Tests.Sample;

/// <summary>A data directory with tiny MNIST-format files (28×28 images, 10 classes), for runs of the sample that take seconds.</summary>
internal static class SyntheticMnist
{
    public static string Write(string directory, int trainCount = 192, int testCount = 64)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "train-images-idx3-ubyte"), IdxBytes.Images(trainCount));
        File.WriteAllBytes(Path.Combine(directory, "train-labels-idx1-ubyte"), IdxBytes.Labels(Enumerable.Range(0, trainCount).Select(i => (byte)(i % 10)).ToArray()));
        File.WriteAllBytes(Path.Combine(directory, "t10k-images-idx3-ubyte"), IdxBytes.Images(testCount));
        File.WriteAllBytes(Path.Combine(directory, "t10k-labels-idx1-ubyte"), IdxBytes.Labels(Enumerable.Range(0, testCount).Select(i => (byte)(i % 10)).ToArray()));
        return directory;
    }
}
