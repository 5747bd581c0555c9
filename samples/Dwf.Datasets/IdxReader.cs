using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;

namespace Dwf.Datasets;

/// <summary>
/// Reads and validates IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed
/// (recognised by the magic bytes 1f 8b, whatever the extension).
/// </summary>
/// <remarks>
/// <para>Layout: a 4-byte big-endian magic number <c>00 00 TT DD</c> (TT = element type, only 0x08
/// "unsigned byte" is accepted; DD = number of dimensions), DD big-endian 32-bit dimensions, then the
/// elements. Image files have 3 dimensions (count, rows, columns; magic 0x00000803), label files
/// have 1 (count; magic 0x00000801).</para>
/// <para>Everything is checked: magic, type, number of dimensions, non-zero dimensions, image size
/// (28×28 unless the caller allows any size), exact file length (truncated files and trailing bytes
/// are both errors) and the label range. Every problem is reported as a
/// <see cref="DatasetFormatException"/> whose message names the file, the problem and the fix.</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>Height and width of MNIST-style images.</summary>
    public const int MnistImageSize = 28;

    private const byte UnsignedByteType = 0x08;
    private const string RefetchFix = "re-download the file or pass --data-dir";

    /// <summary>Reads an IDX image file (magic 0x00000803).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="allowAnyImageSize">When false (the default) images must be 28×28, as in MNIST and Fashion-MNIST.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">The file is not a valid IDX image file.</exception>
    public static IdxImages ReadImages(string path, bool allowAnyImageSize = false) =>
        ParseImages(DataFileContent.Read(path), path, allowAnyImageSize);

    /// <summary>Reads an IDX label file (magic 0x00000801) and checks every label is in 0..classCount-1.</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="classCount">Number of classes, 1..256 (10 for MNIST and Fashion-MNIST).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">The file is not a valid IDX label file or holds a label out of range.</exception>
    public static IdxLabels ReadLabels(string path, int classCount = 10) =>
        ParseLabels(DataFileContent.Read(path), path, classCount);

    internal static IdxImages ParseImages(ReadOnlyMemory<byte> content, string path, bool allowAnyImageSize)
    {
        uint[] dims = ParseHeader(content.Span, path, expectedDimensions: 3, kind: "image");
        uint count = dims[0], rows = dims[1], columns = dims[2];
        if (!allowAnyImageSize && (rows != MnistImageSize || columns != MnistImageSize))
        {
            throw new DatasetFormatException(
                path,
                Invariant($"images are {rows}x{columns}, expected {MnistImageSize}x{MnistImageSize} for an MNIST-style dataset"),
                "pass the MNIST or Fashion-MNIST image files, or allow other image sizes (allowAnyImageSize: true)");
        }

        int headerLength = 4 + 4 * 3;
        CheckLength(content.Length, headerLength, new[] { count, rows, columns }, path,
            Invariant($"{count} images of {rows}x{columns}"));
        return new IdxImages(path, (int)count, (int)rows, (int)columns, content.Slice(headerLength));
    }

    internal static IdxLabels ParseLabels(ReadOnlyMemory<byte> content, string path, int classCount)
    {
        if (classCount is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Byte labels allow 1 to 256 classes.");
        }

        uint[] dims = ParseHeader(content.Span, path, expectedDimensions: 1, kind: "label");
        int headerLength = 4 + 4;
        CheckLength(content.Length, headerLength, dims, path, Invariant($"{dims[0]} labels"));
        ReadOnlyMemory<byte> values = content.Slice(headerLength);
        ReadOnlySpan<byte> span = values.Span;
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] >= classCount)
            {
                throw new DatasetFormatException(
                    path,
                    Invariant($"label {span[i]} at index {i} is outside 0..{classCount - 1}"),
                    "check that this label file belongs to the dataset (or pass the right class count), re-download it or pass --data-dir");
            }
        }

        return new IdxLabels(path, classCount, values);
    }

    private static uint[] ParseHeader(ReadOnlySpan<byte> content, string path, int expectedDimensions, string kind)
    {
        uint expectedMagic = 0x00000800u | (uint)expectedDimensions;
        string expected = Invariant($"0x{expectedMagic:X8} for an IDX {kind} file");
        if (content.Length < 4)
        {
            throw new DatasetFormatException(path,
                Invariant($"the file is {content.Length} bytes long, too short for an IDX header (expected magic number {expected}; file empty or truncated?)"),
                RefetchFix);
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(content);
        if (content[0] != 0 || content[1] != 0)
        {
            throw new DatasetFormatException(path,
                Invariant($"wrong magic number 0x{magic:X8}, expected {expected} (not an IDX file?)"),
                Invariant($"pass an IDX {kind} file (the MNIST-style files named *-{(kind == "image" ? "images-idx3" : "labels-idx1")}-ubyte), {RefetchFix}"));
        }

        byte type = content[2];
        if (type != UnsignedByteType)
        {
            throw new DatasetFormatException(path,
                Invariant($"wrong magic number 0x{magic:X8}: element type 0x{type:X2} ({TypeName(type)}) is not supported, expected 0x08 (unsigned byte), i.e. magic {expected}"),
                "pass an unsigned-byte IDX file such as the original MNIST or Fashion-MNIST files");
        }

        int dimensions = content[3];
        if (dimensions != expectedDimensions)
        {
            string hint = dimensions switch
            {
                1 => " (is this a label file?)",
                3 => " (is this an image file?)",
                _ => string.Empty,
            };
            throw new DatasetFormatException(path,
                Invariant($"wrong magic number 0x{magic:X8}: {dimensions} dimension(s), expected {expected} with {expectedDimensions}{hint}"),
                Invariant($"pass the {kind} file of the dataset (e.g. train-{(kind == "image" ? "images-idx3" : "labels-idx1")}-ubyte)"));
        }

        int headerLength = 4 + 4 * dimensions;
        if (content.Length < headerLength)
        {
            throw new DatasetFormatException(path,
                Invariant($"the file is {content.Length} bytes long, shorter than its {headerLength}-byte IDX header (file truncated?)"),
                RefetchFix);
        }

        var dims = new uint[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(4 + 4 * d));
            if (dims[d] == 0)
            {
                throw new DatasetFormatException(path,
                    Invariant($"dimension {d} ({DimensionName(kind, d)}) is 0, but IDX dimensions must be non-zero (damaged or empty file?)"),
                    RefetchFix);
            }
        }

        return dims;
    }

    private static void CheckLength(int actualLength, int headerLength, uint[] dims, string path, string description)
    {
        // Up to three 32-bit dimensions: their product always fits in 128 bits.
        UInt128 elements = 1;
        foreach (uint dim in dims)
        {
            elements *= dim;
        }

        UInt128 expected = (UInt128)(uint)headerLength + elements;
        UInt128 actual = (UInt128)(uint)actualLength;
        if (actual < expected)
        {
            throw new DatasetFormatException(path,
                Invariant($"expected {expected} bytes for {description}, found {actualLength} (file truncated?)"),
                RefetchFix);
        }

        if (actual > expected)
        {
            throw new DatasetFormatException(path,
                Invariant($"expected {expected} bytes for {description}, found {actualLength} ({actual - expected} trailing bytes; wrong header or several files concatenated?)"),
                RefetchFix);
        }
    }

    private static string DimensionName(string kind, int d) => kind == "image"
        ? d switch { 0 => "image count", 1 => "rows", _ => "columns" }
        : "label count";

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "short",
        0x0C => "int",
        0x0D => "float",
        0x0E => "double",
        _ => "unknown type",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
