using System;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Data;

/// <summary>
/// An in-memory image classification set: images float32 [N, C, H, W] and labels int64 [N].
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The dataset owns its two tensors: they are detached from any
/// <c>torch.NewDisposeScope()</c> that was active when the dataset was created, so only
/// <see cref="Dispose"/> frees them. Do not dispose <see cref="Images"/> or <see cref="Labels"/>
/// yourself, and keep the dataset alive while loaders created by <see cref="Batches"/> are in use.</para>
/// <para><b>Memory.</b> The whole set is one tensor (MNIST train: 60 000 × 784 float32 = 188 MB);
/// batches are gathered from it with <c>index_select</c>.</para>
/// </remarks>
public sealed class ImageClassificationDataset : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private bool _disposed;

    /// <summary>Wraps <paramref name="images"/> and <paramref name="labels"/> and takes ownership of both.</summary>
    /// <param name="name">A display name, e.g. "MNIST train".</param>
    /// <param name="images">Floating-point images [N, C, H, W].</param>
    /// <param name="labels">Int64 labels [N] in 0..classCount-1 (not re-checked here).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="normalization">The normalization already applied to <paramref name="images"/>, or null if they are in [0, 1].</param>
    /// <exception cref="ArgumentException">Shapes, dtypes or devices do not fit.</exception>
    public ImageClassificationDataset(string name, Tensor images, Tensor labels, int classCount, Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.dim() != 4 || !images.is_floating_point())
        {
            throw new ArgumentException(Invariant($"{name}: images must be a floating-point tensor [N, C, H, W]; got {images.dtype} [{string.Join(", ", images.shape)}]."), nameof(images));
        }

        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException(Invariant($"{name}: labels must be int64 [{images.shape[0]}]; got {labels.dtype} [{string.Join(", ", labels.shape)}]."), nameof(labels));
        }

        if (images.device_type != labels.device_type || images.device_index != labels.device_index)
        {
            throw new ArgumentException(Invariant($"{name}: images are on {images.device} but labels on {labels.device}."), nameof(labels));
        }

        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A classification set needs at least one class.");
        }

        if (normalization is not null && normalization.Channels != images.shape[1])
        {
            throw new ArgumentException(Invariant($"{name}: the normalization has {normalization.Channels} channel(s), the images {images.shape[1]}."), nameof(normalization));
        }

        Name = name;
        _images = images.DetachFromDisposeScope();
        _labels = labels.DetachFromDisposeScope();
        ClassCount = classCount;
        Normalization = normalization;
    }

    /// <summary>Display name, e.g. "MNIST train".</summary>
    public string Name { get; }

    /// <summary>Images [N, C, H, W], float; owned by the dataset.</summary>
    public Tensor Images
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _images;
        }
    }

    /// <summary>Labels [N], int64; owned by the dataset.</summary>
    public Tensor Labels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _labels;
        }
    }

    /// <summary>Number of samples N.</summary>
    public long Count => Images.shape[0];

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Shape of one image, [C, H, W].</summary>
    public long[] ImageShape => Images.shape.Skip(1).ToArray();

    /// <summary>The normalization applied to <see cref="Images"/>, or null when the pixels are in [0, 1].</summary>
    public Normalization? Normalization { get; private set; }

    /// <summary>Applies <paramref name="normalization"/> to <see cref="Images"/> in place (e.g. CIFAR statistics computed on the training set).</summary>
    /// <exception cref="InvalidOperationException">The images are already normalized.</exception>
    public void Normalize(Normalization normalization)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        if (Normalization is not null)
        {
            throw new InvalidOperationException($"{Name} is already normalized with {Normalization}; normalizing twice would distort the data.");
        }

        normalization.Apply(Images);
        Normalization = normalization;
    }

    /// <summary>
    /// A new view [N, C·H·W] of the images (e.g. [N, 784] for MNIST) that shares their storage. The
    /// caller owns the view (dispose it); it is valid only while the dataset is.
    /// </summary>
    public Tensor FlatView() => Images.reshape(Count, -1);

    /// <summary>Number of samples of each class, index = label.</summary>
    public long[] LabelHistogram()
    {
        using var counts = Labels.bincount(null, ClassCount);
        using var onCpu = counts.cpu();
        return onCpu.data<long>().ToArray();
    }

    /// <summary>A <see cref="BatchLoader"/> over this set; see <see cref="BatchLoader"/> for order and ownership.</summary>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Seeded random order, different each epoch.</param>
    /// <param name="seed">Shuffle seed.</param>
    /// <param name="dropLast">Skip an incomplete last batch.</param>
    /// <param name="flatten">Yield images as [B, C·H·W] (for MLPs).</param>
    /// <param name="device">Device for the batches; null keeps the dataset's device.</param>
    public BatchLoader Batches(long batchSize, bool shuffle = true, long seed = 0, bool dropLast = false, bool flatten = false, Device? device = null) =>
        new(Images, Labels, batchSize, shuffle, seed, dropLast, flatten, device);

    /// <summary>Frees the images and labels.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _images.Dispose();
            _labels.Dispose();
            _disposed = true;
        }
    }

    /// <summary>E.g. "MNIST train: 60000 x [1, 28, 28], 10 classes, normalized mean (0.1307), std (0.3081)".</summary>
    public override string ToString() => _disposed
        ? $"{Name} (disposed)"
        : Invariant($"{Name}: {Count} x [{string.Join(", ", ImageShape)}], {ClassCount} classes, {(Normalization is null ? "pixels in [0, 1]" : "normalized " + Normalization)}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
