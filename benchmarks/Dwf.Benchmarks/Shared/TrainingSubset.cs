using System;
using Dwf.Data;

namespace Dwf.Benchmarks.Shared;

/// <summary>The first N training images as a dataset of its own: cheap proxies of a full-data experiment (--train-size).</summary>
internal static class TrainingSubset
{
    /// <summary>
    /// A copy of the first <paramref name="count"/> examples of <paramref name="dataset"/> (all of them when
    /// <paramref name="count"/> is ≤ 0 or at least the dataset's size); the caller disposes both.
    /// </summary>
    public static ImageClassificationDataset First(ImageClassificationDataset dataset, int count)
    {
        long n = count <= 0 ? dataset.Count : Math.Min(count, dataset.Count);
        return new ImageClassificationDataset(dataset.Name, dataset.Images.narrow(0, 0, n).clone(), dataset.Labels.narrow(0, 0, n).clone(), dataset.ClassCount, dataset.Normalization);
    }
}
