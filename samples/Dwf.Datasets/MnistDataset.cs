using System;
using System.Globalization;
using Dwf.Data;
using static TorchSharp.torch;

namespace Dwf.Datasets;

/// <summary>
/// Loads MNIST or Fashion-MNIST as TorchSharp tensors: images float32 [N, 1, 28, 28] (pixel / 255,
/// then normalized with <see cref="MnistCatalog.Normalization"/> unless disabled) and labels int64 [N].
/// </summary>
/// <remarks>
/// Besides the structural checks of <see cref="IdxReader"/>, the MD5 of each decompressed file is
/// compared with the standard value (<see cref="MnistCatalog.Md5"/>). For files from the cache, npm or
/// the Debian package a mismatch is an error (the data is damaged); for files from a user's data
/// directory it is only logged, since users may deliberately pass other data in the same format.
/// </remarks>
public static class MnistDataset
{
    /// <summary>Locates (see <see cref="MnistSources.Locate"/>) and loads one split.</summary>
    /// <param name="variant">MNIST or Fashion-MNIST.</param>
    /// <param name="split">Training or test set.</param>
    /// <param name="options">Where to look; null for the defaults.</param>
    /// <param name="normalize">Apply the dataset's documented mean/std (default); false leaves pixels in [0, 1].</param>
    /// <exception cref="DatasetUnavailableException">The files cannot be found or obtained.</exception>
    /// <exception cref="DatasetFormatException">A file is damaged or not the expected IDX file.</exception>
    public static ImageClassificationDataset Load(MnistVariant variant, DatasetSplit split, DataSourceOptions? options = null, bool normalize = true)
    {
        var files = MnistSources.Locate(variant, options);
        return Load(files, split, normalize, options?.Log);
    }

    /// <summary>Loads one split from files located earlier.</summary>
    /// <param name="files">The four files, e.g. from <see cref="MnistSources.Locate"/>.</param>
    /// <param name="split">Training or test set.</param>
    /// <param name="normalize">Apply the dataset's documented mean/std (default); false leaves pixels in [0, 1].</param>
    /// <param name="log">Receives progress and checksum warnings.</param>
    /// <exception cref="DatasetFormatException">A file is damaged or not the expected IDX file.</exception>
    public static ImageClassificationDataset Load(MnistFileSet files, DatasetSplit split, bool normalize = true, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        string name = MnistCatalog.DisplayName(files.Variant);
        string imagesPath = files.ImagesPath(split);
        string labelsPath = files.LabelsPath(split);

        var imagesContent = DataFileContent.Read(imagesPath);
        var images = IdxReader.ParseImages(imagesContent, imagesPath, allowAnyImageSize: false);
        CheckMd5(files, MnistCatalog.ImagesFileName(split), imagesPath, imagesContent, log);

        var labelsContent = DataFileContent.Read(labelsPath);
        var labels = IdxReader.ParseLabels(labelsContent, labelsPath, MnistCatalog.ClassCount);
        CheckMd5(files, MnistCatalog.LabelsFileName(split), labelsPath, labelsContent, log);

        if (images.Count != labels.Count)
        {
            throw new DatasetFormatException(labelsPath,
                string.Create(CultureInfo.InvariantCulture, $"{labels.Count} labels for the {images.Count} images of {imagesPath}"),
                "pass matching files (train-* with train-*, t10k-* with t10k-*), re-download them or pass --data-dir");
        }

        Normalization? normalization = normalize ? MnistCatalog.Normalization(files.Variant) : null;
        Tensor? imageTensor = null;
        Tensor? labelTensor = null;
        try
        {
            imageTensor = ImageTensors.ToUnitFloat(images.Pixels, images.Count, 1, images.Rows, images.Columns);
            normalization?.Apply(imageTensor);
            labelTensor = ImageTensors.ToLabels(labels.Values);
            string splitName = split == DatasetSplit.Train ? "train" : "test";
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{name} {splitName}: {images.Count} images from {files.Directory} ({files.Origin})"));
            return new ImageClassificationDataset($"{name} {splitName}", imageTensor, labelTensor, MnistCatalog.ClassCount, normalization);
        }
        catch
        {
            imageTensor?.Dispose();
            labelTensor?.Dispose();
            throw;
        }
    }

    private static void CheckMd5(MnistFileSet files, string standardName, string path, ReadOnlyMemory<byte> content, Action<string>? log)
    {
        string expected = MnistCatalog.Md5(files.Variant, standardName);
        string actual = DataFileContent.Md5Hex(content.Span);
        if (actual == expected)
        {
            return;
        }

        string dataset = MnistCatalog.DisplayName(files.Variant);
        switch (files.Origin)
        {
            case DataOrigin.DataDirectory:
                log?.Invoke($"{path}: MD5 {actual} differs from the standard {dataset} {standardName} ({expected}); using the file as given");
                break;
            case DataOrigin.SystemPackage:
                throw new DatasetFormatException(path,
                    $"decompressed MD5 {actual} does not match the standard {dataset} {standardName} ({expected}); file damaged?",
                    "reinstall it with `apt-get install --reinstall dataset-fashion-mnist`, or pass --data-dir");
            default:
                throw new DatasetFormatException(path,
                    $"MD5 {actual} does not match the standard {dataset} {standardName} ({expected}); cache damaged?",
                    $"delete {files.Directory} so that the data is obtained again, or pass --data-dir");
        }
    }
}
