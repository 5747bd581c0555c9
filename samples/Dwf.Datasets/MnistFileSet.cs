namespace Dwf.Datasets;

/// <summary>The four IDX files of MNIST or Fashion-MNIST as located by <see cref="MnistSources.Locate"/>.</summary>
/// <param name="Variant">Which dataset.</param>
/// <param name="Origin">Where the files were found; decides whether a checksum mismatch is an error (see <see cref="MnistDataset"/>).</param>
/// <param name="Directory">The directory holding the files.</param>
/// <param name="TrainImages">Path of the training images (raw or gzip).</param>
/// <param name="TrainLabels">Path of the training labels.</param>
/// <param name="TestImages">Path of the test images.</param>
/// <param name="TestLabels">Path of the test labels.</param>
public sealed record MnistFileSet(
    MnistVariant Variant,
    DataOrigin Origin,
    string Directory,
    string TrainImages,
    string TrainLabels,
    string TestImages,
    string TestLabels)
{
    /// <summary>The images file of <paramref name="split"/>.</summary>
    public string ImagesPath(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => TrainImages,
        DatasetSplit.Test => TestImages,
        _ => throw new System.ArgumentOutOfRangeException(nameof(split), split, null),
    };

    /// <summary>The labels file of <paramref name="split"/>.</summary>
    public string LabelsPath(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => TrainLabels,
        DatasetSplit.Test => TestLabels,
        _ => throw new System.ArgumentOutOfRangeException(nameof(split), split, null),
    };
}
