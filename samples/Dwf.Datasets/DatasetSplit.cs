namespace Dwf.Datasets;

/// <summary>Which part of a dataset to load.</summary>
public enum DatasetSplit
{
    /// <summary>The training set (60 000 images for MNIST and Fashion-MNIST; files named <c>train-*</c>).</summary>
    Train,

    /// <summary>The test set (10 000 images; files named <c>t10k-*</c>).</summary>
    Test,
}
