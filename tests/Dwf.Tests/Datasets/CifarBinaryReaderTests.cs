using System;
using System.Linq;
using Dwf.Data;
using Dwf.Datasets;
using Dwf.Tests.Data;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Datasets;

public sealed class CifarBinaryReaderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Cifar10_round_trip_keeps_labels_and_rgb_planes()
    {
        // Two files, to check records are concatenated in file order.
        string first = Write("data_batch_1.bin", Cifar10Record(label: 3, seed: 0), Cifar10Record(label: 9, seed: 1));
        string second = Write("data_batch_2.bin", Cifar10Record(label: 0, seed: 2));

        using var dataset = CifarBinaryReader.Read(CifarVariant.Cifar10, new[] { first, second });

        Assert.Equal(new long[] { 3, 3, 32, 32 }, dataset.Images.shape);
        Assert.Equal(ScalarType.Float32, dataset.Images.dtype);
        Assert.Equal(new long[] { 3, 9, 0 }, dataset.Labels.data<long>().ToArray());
        Assert.Equal(10, dataset.ClassCount);
        for (int record = 0; record < 3; record++)
        {
            // (channel, y, x) = (c, y, x) came from byte 1 + c·1024 + y·32 + x of the record.
            foreach (var (c, y, x) in new[] { (0, 0, 0), (1, 5, 7), (2, 31, 31), (0, 17, 2) })
            {
                float expected = PixelValue(record, c * 1024 + y * 32 + x) / 255f;
                Assert.Equal(expected, dataset.Images[record, c, y, x].item<float>(), 6);
            }
        }
    }

    [Fact]
    public void Cifar100_reads_fine_or_coarse_labels()
    {
        string path = Write("train.bin", Cifar100Record(coarse: 19, fine: 99, seed: 0), Cifar100Record(coarse: 4, fine: 31, seed: 1));

        using var fine = CifarBinaryReader.Read(CifarVariant.Cifar100, path);
        using var coarse = CifarBinaryReader.Read(CifarVariant.Cifar100, path, CifarLabelKind.Coarse);

        Assert.Equal(new long[] { 99, 31 }, fine.Labels.data<long>().ToArray());
        Assert.Equal(100, fine.ClassCount);
        Assert.Equal(new long[] { 19, 4 }, coarse.Labels.data<long>().ToArray());
        Assert.Equal(20, coarse.ClassCount);
        Assert.Equal(PixelValue(1, 2 * 1024 + 100) / 255f, fine.Images[1, 2, 3, 4].item<float>(), 6);
    }

    [Fact]
    public void Normalization_is_applied_per_channel_when_given()
    {
        string path = Write("test_batch.bin", Cifar10Record(label: 1, seed: 4));
        var normalization = new Normalization(new[] { 0.1, 0.2, 0.3 }, new[] { 0.5, 0.25, 2.0 });

        using var dataset = CifarBinaryReader.Read(CifarVariant.Cifar10, path, normalization: normalization);

        Assert.Same(normalization, dataset.Normalization);
        for (int c = 0; c < 3; c++)
        {
            double unit = PixelValue(4, c * 1024 + 40) / 255.0;
            double expected = (unit - normalization.Mean[c]) / normalization.Std[c];
            Assert.Equal(expected, dataset.Images[0, c, 1, 8].item<float>(), 5);
        }
    }

    [Fact]
    public void Cifar10_length_not_a_multiple_of_the_record_is_truncation()
    {
        byte[] record = Cifar10Record(label: 1, seed: 0);
        string path = WriteBytes("data_batch_3.bin", record.Concat(record[..100]).ToArray());

        var error = Assert.Throws<DatasetFormatException>(() => CifarBinaryReader.Read(CifarVariant.Cifar10, path));

        IdxReaderTests.AssertNamesFile(error, path, "3173 bytes is not a multiple of the 3073-byte CIFAR-10 record (1 label byte + 3072 pixel bytes): 1 whole records and 100 extra bytes (file truncated?)");
    }

    [Fact]
    public void Cifar100_file_read_as_cifar10_hints_at_the_wrong_variant()
    {
        // 3073 records of 3074 bytes are 3074 records of 3073 bytes: pick a count that is not.
        string path = Write("train.bin", Cifar100Record(5, 50, 0), Cifar100Record(6, 60, 1));

        var error = Assert.Throws<DatasetFormatException>(() => CifarBinaryReader.Read(CifarVariant.Cifar10, path));

        IdxReaderTests.AssertNamesFile(error, path, "the length fits 3074-byte CIFAR-100 records: wrong variant?");
    }

    [Fact]
    public void Empty_cifar_file_is_an_error()
    {
        string path = WriteBytes("empty.bin", Array.Empty<byte>());

        var error = Assert.Throws<DatasetFormatException>(() => CifarBinaryReader.Read(CifarVariant.Cifar100, path));

        IdxReaderTests.AssertNamesFile(error, path, "the file is empty, expected CIFAR-100 records of 3074 bytes");
    }

    [Fact]
    public void Cifar10_label_out_of_range_names_the_record()
    {
        string path = Write("data_batch_4.bin", Cifar10Record(2, 0), Cifar10Record(10, 1));

        var error = Assert.Throws<DatasetFormatException>(() => CifarBinaryReader.Read(CifarVariant.Cifar10, path));

        IdxReaderTests.AssertNamesFile(error, path, "record 1 has label 10, outside 0..9 of CIFAR-10 (is this a CIFAR-100 file?)");
    }

    [Theory]
    [InlineData(20, 5, "record 0 has coarse label 20, outside 0..19 of CIFAR-100")]
    [InlineData(3, 100, "record 0 has fine label 100, outside 0..99 of CIFAR-100")]
    public void Cifar100_label_out_of_range_names_the_label_kind(byte coarse, byte fine, string expectedProblem)
    {
        string path = Write("test.bin", Cifar100Record(coarse, fine, 0));

        var error = Assert.Throws<DatasetFormatException>(() => CifarBinaryReader.Read(CifarVariant.Cifar100, path));

        IdxReaderTests.AssertNamesFile(error, path, expectedProblem);
    }

    [Fact]
    public void Coarse_labels_are_rejected_for_cifar10()
    {
        string path = Write("data_batch_5.bin", Cifar10Record(1, 0));

        Assert.Throws<ArgumentException>(() => CifarBinaryReader.Read(CifarVariant.Cifar10, path, CifarLabelKind.Coarse));
    }

    private static byte PixelValue(int seed, int index) => (byte)((seed * 97 + index * 7) % 256);

    private static byte[] Cifar10Record(byte label, int seed) =>
        new[] { label }.Concat(Enumerable.Range(0, 3072).Select(i => PixelValue(seed, i))).ToArray();

    private static byte[] Cifar100Record(byte coarse, byte fine, int seed) =>
        new[] { coarse, fine }.Concat(Enumerable.Range(0, 3072).Select(i => PixelValue(seed, i))).ToArray();

    private string Write(string name, params byte[][] records) => WriteBytes(name, records.SelectMany(r => r).ToArray());

    private string WriteBytes(string name, byte[] content)
    {
        string path = _directory.File(name);
        IdxBytes.WriteAtomically(path, content);
        return path;
    }
}
