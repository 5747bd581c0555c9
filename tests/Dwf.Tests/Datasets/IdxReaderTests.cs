using System;
using System.IO;
using System.Linq;
using Dwf.Datasets;
using Dwf.Tests.Data;
using Xunit;

namespace Dwf.Tests.Datasets;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Raw_image_file_round_trips_count_size_and_pixels()
    {
        string path = Write("train-images-idx3-ubyte", IdxBytes.Images(3));

        var images = IdxReader.ReadImages(path);

        Assert.Equal(path, images.Path);
        Assert.Equal(3, images.Count);
        Assert.Equal(28, images.Rows);
        Assert.Equal(28, images.Columns);
        Assert.Equal(IdxBytes.Pixels(3, 784), images.Pixels.ToArray());
    }

    [Fact]
    public void Gzip_is_detected_by_magic_bytes_not_by_extension()
    {
        byte[] raw = IdxBytes.Images(2);
        string gzipWithoutExtension = Write("images-compressed.idx", IdxBytes.Gzip(raw));
        string rawWithGzExtension = Write("images-raw.gz", raw);

        var fromGzip = IdxReader.ReadImages(gzipWithoutExtension);
        var fromRaw = IdxReader.ReadImages(rawWithGzExtension);

        Assert.Equal(IdxBytes.Pixels(2, 784), fromGzip.Pixels.ToArray());
        Assert.Equal(IdxBytes.Pixels(2, 784), fromRaw.Pixels.ToArray());
    }

    [Fact]
    public void Label_files_round_trip_raw_and_gzip()
    {
        byte[] values = { 0, 9, 3, 3, 7 };
        string raw = Write("labels", IdxBytes.Labels(values));
        string gzip = Write("labels.gz", IdxBytes.Gzip(IdxBytes.Labels(values)));

        var fromRaw = IdxReader.ReadLabels(raw);
        var fromGzip = IdxReader.ReadLabels(gzip);

        Assert.Equal(values, fromRaw.Values.ToArray());
        Assert.Equal(values, fromGzip.Values.ToArray());
        Assert.Equal(5, fromGzip.Count);
        Assert.Equal(10, fromGzip.ClassCount);
    }

    [Fact]
    public void Images_other_than_28x28_are_rejected_unless_allowed()
    {
        string path = Write("cifar-like-images", IdxBytes.Images(2, rows: 32, columns: 30));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));
        var allowed = IdxReader.ReadImages(path, allowAnyImageSize: true);

        AssertNamesFile(error, path, "images are 32x30, expected 28x28");
        Assert.Contains("allowAnyImageSize", error.Message);
        Assert.Equal((2, 32, 30), (allowed.Count, allowed.Rows, allowed.Columns));
        Assert.Equal(IdxBytes.Pixels(2, 32 * 30), allowed.Pixels.ToArray());
    }

    [Fact]
    public void Wrong_magic_number_is_reported_with_the_expected_value()
    {
        byte[] bytes = IdxBytes.Images(1);
        bytes[0] = 0x50; // "PK": a zip archive is a classic mix-up
        bytes[1] = 0x4B;
        string path = Write("train-images-idx3-ubyte", bytes);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "wrong magic number 0x504B0803, expected 0x00000803 for an IDX image file");
        Assert.Contains("re-download", error.Message);
    }

    [Fact]
    public void Label_file_passed_as_images_is_recognised()
    {
        string path = Write("train-labels-idx1-ubyte", IdxBytes.Labels(1, 2, 3));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "1 dimension(s), expected 0x00000803 for an IDX image file with 3 (is this a label file?)");
    }

    [Fact]
    public void Wrong_type_byte_is_reported_with_its_meaning()
    {
        byte[] bytes = IdxBytes.Images(1);
        bytes[2] = 0x0D;
        string path = Write("float-images", bytes);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "element type 0x0D (float) is not supported, expected 0x08 (unsigned byte)");
    }

    [Theory]
    [InlineData(0, "dimension 0 (image count) is 0")]
    [InlineData(1, "dimension 1 (rows) is 0")]
    [InlineData(2, "dimension 2 (columns) is 0")]
    public void Zero_dimension_is_rejected(int zeroDimension, string expectedProblem)
    {
        var dims = new uint[] { 1, 28, 28 };
        dims[zeroDimension] = 0;
        string path = Write("zero-dimension-images", IdxBytes.Build(0x08, dims, Array.Empty<byte>()));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, expectedProblem);
    }

    [Fact]
    public void Zero_label_count_is_rejected()
    {
        string path = Write("empty-labels", IdxBytes.Labels());

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path));

        AssertNamesFile(error, path, "dimension 0 (label count) is 0");
    }

    [Fact]
    public void Truncated_image_file_reports_expected_and_actual_length()
    {
        byte[] full = IdxBytes.Images(3);
        string path = Write("train-images-idx3-ubyte", full[..^1]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "expected 2368 bytes for 3 images of 28x28, found 2367 (file truncated?)");
        Assert.EndsWith("; re-download the file or pass --data-dir", error.Message);
    }

    [Fact]
    public void Truncated_gzip_content_is_measured_after_decompression()
    {
        string path = Write("t10k-images-idx3-ubyte.gz", IdxBytes.Gzip(IdxBytes.Images(2)[..1000]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "expected 1584 bytes for 2 images of 28x28, found 1000 (file truncated?)");
    }

    [Fact]
    public void Trailing_bytes_are_an_error()
    {
        byte[] labels = IdxBytes.Labels(1, 2, 3).Concat(new byte[] { 4, 5 }).ToArray();
        string path = Write("train-labels-idx1-ubyte", labels);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path));

        AssertNamesFile(error, path, "expected 11 bytes for 3 labels, found 13 (2 trailing bytes");
    }

    [Fact]
    public void Header_shorter_than_its_dimensions_is_truncation()
    {
        string path = Write("cut-header", IdxBytes.Images(1)[..10]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "the file is 10 bytes long, shorter than its 16-byte IDX header (file truncated?)");
    }

    [Fact]
    public void Empty_file_is_too_short_for_a_header()
    {
        string path = Write("empty", Array.Empty<byte>());

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path));

        AssertNamesFile(error, path, "the file is 0 bytes long, too short for an IDX header");
    }

    [Theory]
    [InlineData(10, new byte[] { 0, 9, 10 }, "label 10 at index 2 is outside 0..9")]
    [InlineData(3, new byte[] { 2, 3, 0 }, "label 3 at index 1 is outside 0..2")]
    [InlineData(10, new byte[] { 255 }, "label 255 at index 0 is outside 0..9")]
    public void Label_out_of_range_names_value_and_index(int classCount, byte[] values, string expectedProblem)
    {
        string path = Write("train-labels-idx1-ubyte", IdxBytes.Labels(values));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path, classCount));

        AssertNamesFile(error, path, expectedProblem);
    }

    [Fact]
    public void Corrupt_gzip_is_reported_as_such()
    {
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(1));
        for (int i = 10; i < gzip.Length - 8; i++)
        {
            gzip[i] = 0xFF;
        }

        string path = Write("damaged.gz", gzip);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        AssertNamesFile(error, path, "the gzip data is corrupt");
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        string path = _directory.File("does-not-exist-idx3-ubyte");

        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ": file not found", error.Message);
        Assert.Contains("--data-dir", error.Message);
    }

    internal static void AssertNamesFile(DatasetFormatException error, string path, string expectedProblem)
    {
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(Path.GetFileName(path), error.Message);
        Assert.Contains(expectedProblem, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Fix));
    }

    private string Write(string name, byte[] content)
    {
        string path = _directory.File(name);
        IdxBytes.WriteAtomically(path, content);
        return path;
    }
}
