using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Dwf.Data;
using static TorchSharp.torch;

namespace Dwf.Datasets;

/// <summary>
/// Reads CIFAR-10 / CIFAR-100 binary files supplied by the user into images float32 [N, 3, 32, 32]
/// in [0, 1] (pixel / 255, optionally normalized) and labels int64 [N].
/// </summary>
/// <remarks>
/// <para>Each record holds its label byte(s) followed by 3072 pixel bytes: the 1024 red values of the
/// 32×32 image row by row, then the green, then the blue plane, which is exactly the [3, 32, 32]
/// layout. CIFAR-10 records are 3073 bytes (label 0..9); CIFAR-100 records are 3074 bytes (coarse
/// label 0..19, fine label 0..99).</para>
/// <para>Checked: non-empty file, length a multiple of the record size, every label in range. Errors
/// are <see cref="DatasetFormatException"/>s naming the file. Files may also be gzip-compressed
/// (recognised by their magic bytes). No normalization constants are built in: compute them on the
/// training set with <see cref="Normalization.Compute"/>.</para>
/// </remarks>
public static class CifarBinaryReader
{
    /// <summary>Pixels per record: 3 channels × 32 × 32.</summary>
    public const int PixelBytes = 3 * 32 * 32;

    /// <summary>Image side length.</summary>
    public const int ImageSize = 32;

    /// <summary>Reads one file, e.g. <c>test_batch.bin</c> or CIFAR-100's <c>test.bin</c>.</summary>
    /// <inheritdoc cref="Read(CifarVariant, IReadOnlyList{string}, CifarLabelKind, Normalization?)"/>
    public static ImageClassificationDataset Read(CifarVariant variant, string path, CifarLabelKind labelKind = CifarLabelKind.Fine, Normalization? normalization = null) =>
        Read(variant, new[] { path }, labelKind, normalization);

    /// <summary>Reads and concatenates several files, e.g. <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>.</summary>
    /// <param name="variant">CIFAR-10 or CIFAR-100.</param>
    /// <param name="paths">The files, in order.</param>
    /// <param name="labelKind">For CIFAR-100, fine (100 classes) or coarse (20) labels; must be fine for CIFAR-10.</param>
    /// <param name="normalization">Applied to the [0, 1] images when given (3 channels).</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="DatasetFormatException">A file has the wrong length or a label out of range.</exception>
    public static ImageClassificationDataset Read(CifarVariant variant, IReadOnlyList<string> paths, CifarLabelKind labelKind = CifarLabelKind.Fine, Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("Pass at least one CIFAR binary file.", nameof(paths));
        }

        if (variant == CifarVariant.Cifar10 && labelKind != CifarLabelKind.Fine)
        {
            throw new ArgumentException("CIFAR-10 has only one label per image; use CifarLabelKind.Fine.", nameof(labelKind));
        }

        if (normalization is not null && normalization.Channels != 3)
        {
            throw new ArgumentException($"CIFAR images have 3 channels; the normalization has {normalization.Channels}.", nameof(normalization));
        }

        var layout = new RecordLayout(variant, labelKind);
        var contents = new List<(string Path, ReadOnlyMemory<byte> Content)>(paths.Count);
        long records = 0;
        foreach (string path in paths)
        {
            var content = DataFileContent.Read(path);
            records += layout.CountRecords(path, content.Length);
            contents.Add((path, content));
        }

        if (records * PixelBytes > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{records} CIFAR images do not fit in one buffer; read fewer files at a time."), nameof(paths));
        }

        var pixels = new byte[records * PixelBytes];
        var labels = new byte[records];
        long record = 0;
        foreach (var (path, content) in contents)
        {
            record = layout.Extract(path, content.Span, pixels, labels, record);
        }

        Tensor? images = null;
        Tensor? labelTensor = null;
        try
        {
            images = ImageTensors.ToUnitFloat(pixels, records, 3, ImageSize, ImageSize);
            normalization?.Apply(images);
            labelTensor = ImageTensors.ToLabels(labels);
            return new ImageClassificationDataset(layout.DisplayName, images, labelTensor, layout.ClassCount, normalization);
        }
        catch
        {
            images?.Dispose();
            labelTensor?.Dispose();
            throw;
        }
    }

    private sealed class RecordLayout
    {
        private readonly CifarVariant _variant;
        private readonly CifarLabelKind _labelKind;

        public RecordLayout(CifarVariant variant, CifarLabelKind labelKind)
        {
            _variant = variant;
            _labelKind = labelKind;
            LabelBytes = variant switch
            {
                CifarVariant.Cifar10 => 1,
                CifarVariant.Cifar100 => 2,
                _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
            };
        }

        public int LabelBytes { get; }

        public int RecordBytes => LabelBytes + PixelBytes;

        public int ClassCount => _variant == CifarVariant.Cifar10 ? 10 : _labelKind == CifarLabelKind.Coarse ? 20 : 100;

        public string DisplayName => _variant == CifarVariant.Cifar10
            ? "CIFAR-10"
            : _labelKind == CifarLabelKind.Coarse ? "CIFAR-100 (coarse labels)" : "CIFAR-100";

        private string VariantName => _variant == CifarVariant.Cifar10 ? "CIFAR-10" : "CIFAR-100";

        private string Fix => _variant == CifarVariant.Cifar10
            ? "pass the files of the CIFAR-10 binary version (cifar-10-binary.tar.gz: data_batch_*.bin, test_batch.bin), re-downloaded if damaged"
            : "pass the files of the CIFAR-100 binary version (cifar-100-binary.tar.gz: train.bin, test.bin), re-downloaded if damaged";

        public long CountRecords(string path, int length)
        {
            if (length == 0)
            {
                throw new DatasetFormatException(path, $"the file is empty, expected {VariantName} records of {RecordBytes} bytes", Fix);
            }

            if (length % RecordBytes != 0)
            {
                int otherRecord = (3 - LabelBytes) + PixelBytes;
                string hint = length % otherRecord == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"; the length fits {otherRecord}-byte {(LabelBytes == 1 ? "CIFAR-100" : "CIFAR-10")} records: wrong variant?")
                    : " (file truncated?)";
                throw new DatasetFormatException(path,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{length} bytes is not a multiple of the {RecordBytes}-byte {VariantName} record ({RecordLayoutText}): {length / RecordBytes} whole records and {length % RecordBytes} extra bytes{hint}"),
                    Fix);
            }

            return length / RecordBytes;
        }

        public long Extract(string path, ReadOnlySpan<byte> content, byte[] pixels, byte[] labels, long firstRecord)
        {
            long record = firstRecord;
            for (int offset = 0; offset < content.Length; offset += RecordBytes, record++)
            {
                int recordInFile = offset / RecordBytes;
                if (_variant == CifarVariant.Cifar10)
                {
                    labels[record] = CheckLabel(path, recordInFile, "label", content[offset], 10);
                }
                else
                {
                    byte coarse = CheckLabel(path, recordInFile, "coarse label", content[offset], 20);
                    byte fine = CheckLabel(path, recordInFile, "fine label", content[offset + 1], 100);
                    labels[record] = _labelKind == CifarLabelKind.Coarse ? coarse : fine;
                }

                content.Slice(offset + LabelBytes, PixelBytes).CopyTo(pixels.AsSpan((int)(record * PixelBytes), PixelBytes));
            }

            return record;
        }

        private string RecordLayoutText => LabelBytes == 1
            ? "1 label byte + 3072 pixel bytes"
            : "1 coarse label byte + 1 fine label byte + 3072 pixel bytes";

        private byte CheckLabel(string path, int recordInFile, string kind, byte value, int classCount)
        {
            if (value >= classCount)
            {
                string hint = _variant == CifarVariant.Cifar10 ? " (is this a CIFAR-100 file?)" : string.Empty;
                throw new DatasetFormatException(path,
                    string.Create(CultureInfo.InvariantCulture,
                        $"record {recordInFile} has {kind} {value}, outside 0..{classCount - 1} of {VariantName}{hint}"),
                    Fix);
            }

            return value;
        }
    }
}
