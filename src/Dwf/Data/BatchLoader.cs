using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using static TorchSharp.torch;

namespace Dwf.Data;

/// <summary>
/// Mini-batches (images, labels) over tensors held in memory, optionally shuffled with a seed.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> With <c>shuffle</c>, epoch <c>e</c> visits the samples in
/// <see cref="EpochOrder"/>(e): a permutation that depends only on (seed, e) — SplitMix64 +
/// Fisher–Yates, our own generator, independent of <c>System.Random</c> and of LibTorch's RNG, so
/// the same seed gives the same orders on every machine and version. Without shuffle every epoch is
/// 0..N-1. Every sample appears exactly once per epoch; with <c>dropLast</c> the last, incomplete
/// batch is skipped.</para>
/// <para><b>Epochs.</b> Enumerating the loader itself (<c>foreach</c>) yields epoch 0, the next
/// enumeration epoch 1, and so on (like re-iterating a PyTorch DataLoader with a seeded generator);
/// <see cref="Epoch"/> gives any epoch explicitly.</para>
/// <para><b>Ownership.</b> Every yielded tensor is new (a copy gathered with <c>index_select</c>,
/// moved to <c>device</c> if one was given) and belongs to the caller: dispose both tensors of each
/// batch, or enumerate inside a <c>torch.NewDisposeScope()</c> that is disposed per step. The tensors
/// are created while the enumerator advances, so they join whatever dispose scope is current at that
/// moment. The loader does not own the source tensors: keep them (e.g. the
/// <see cref="ImageClassificationDataset"/>) alive while the loader is used. Dispose the loader to
/// release its flattened view when <c>flatten</c> is set. Not thread-safe.</para>
/// </remarks>
public sealed class BatchLoader : IEnumerable<(Tensor images, Tensor labels)>, IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private readonly Tensor? _flatView;
    private readonly Device? _device;
    private bool _disposed;

    /// <summary>Creates a loader over <paramref name="images"/> [N, ...] and <paramref name="labels"/> [N].</summary>
    /// <param name="images">Samples along dimension 0 (any dtype and rank ≥ 1).</param>
    /// <param name="labels">One label per sample, rank 1, on the same device as <paramref name="images"/>.</param>
    /// <param name="batchSize">Samples per batch, ≥ 1.</param>
    /// <param name="shuffle">Visit the samples in a seeded random order, different in every epoch.</param>
    /// <param name="seed">Seed of the shuffle; the same seed gives the same sequence of epoch orders.</param>
    /// <param name="dropLast">Skip the last batch of an epoch when it has fewer than <paramref name="batchSize"/> samples.</param>
    /// <param name="flatten">Yield images as [B, prod(rest)], e.g. [B, 784] for MNIST, for MLPs.</param>
    /// <param name="device">Device for the yielded batches; null keeps the source device.</param>
    /// <exception cref="ArgumentException">Shapes or devices do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public BatchLoader(Tensor images, Tensor labels, long batchSize, bool shuffle = true, long seed = 0, bool dropLast = false, bool flatten = false, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        }

        if (images.dim() < 1 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Expected images [N, ...] and labels [N]; got images [{string.Join(", ", images.shape)}] and labels [{string.Join(", ", labels.shape)}]."),
                nameof(labels));
        }

        if (images.device_type != labels.device_type || images.device_index != labels.device_index)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Images are on {images.device} but labels on {labels.device}; put both on the same device."),
                nameof(labels));
        }

        _images = images;
        _labels = labels;
        _device = device;
        Count = images.shape[0];
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        if (flatten)
        {
            // A view (no copy) for contiguous data; owned by the loader and kept out of any caller dispose scope.
            _flatView = images.reshape(Count, -1).DetachFromDisposeScope();
        }
    }

    /// <summary>Number of samples.</summary>
    public long Count { get; }

    /// <summary>Samples per batch.</summary>
    public long BatchSize { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The shuffle seed.</summary>
    public long Seed { get; }

    /// <summary>Whether an incomplete last batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch: ⌊N/B⌋ with <see cref="DropLast"/>, ⌈N/B⌉ without.</summary>
    public long BatchesPerEpoch => StepsPerEpoch(Count, BatchSize, DropLast);

    /// <summary>Batches per epoch of <paramref name="count"/> samples in batches of <paramref name="batchSize"/> (for schedules planned before a loader exists).</summary>
    public static long StepsPerEpoch(long count, long batchSize, bool dropLast) =>
        dropLast ? count / batchSize : (count + batchSize - 1) / batchSize;

    /// <summary>The epoch the next <c>foreach</c> over the loader will yield (starts at 0).</summary>
    public long NextEpoch { get; private set; }

    /// <summary>
    /// The order in which epoch <paramref name="epoch"/> visits the samples: a permutation of 0..N-1
    /// (the identity without shuffle). With <see cref="DropLast"/> the trailing N mod B entries are skipped.
    /// </summary>
    public long[] EpochOrder(long epoch)
    {
        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "Epochs are numbered from 0.");
        }

        if (Shuffle)
        {
            return SeededPermutation.Create(Count, Seed, epoch);
        }

        var order = new long[Count];
        for (long i = 0; i < Count; i++)
        {
            order[i] = i;
        }

        return order;
    }

    /// <summary>The batches of epoch <paramref name="epoch"/>; see the class remarks for ownership.</summary>
    public IEnumerable<(Tensor images, Tensor labels)> Epoch(long epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long[] order = EpochOrder(epoch);
        return EnumerateBatches(order);
    }

    /// <summary>The batches of epoch <see cref="NextEpoch"/>, which then advances by one.</summary>
    public IEnumerator<(Tensor images, Tensor labels)> GetEnumerator() => Epoch(NextEpoch++).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases the flattened view, if any. The source tensors are not touched.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _flatView?.Dispose();
            _disposed = true;
        }
    }

    private IEnumerable<(Tensor images, Tensor labels)> EnumerateBatches(long[] order)
    {
        long batches = BatchesPerEpoch;
        for (long b = 0; b < batches; b++)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long start = b * BatchSize;
            long length = Math.Min(BatchSize, Count - start);
            yield return Gather(order, start, length);
        }
    }

    private (Tensor images, Tensor labels) Gather(long[] order, long start, long length)
    {
        Tensor source = _flatView ?? _images;
        var indices = new long[length];
        Array.Copy(order, start, indices, 0, length);
        using var noGrad = no_grad();
        using var index = tensor(indices, dtype: ScalarType.Int64, device: source.device);
        Tensor images = source.index_select(0, index);
        Tensor labels = _labels.index_select(0, index);
        if (_device is not null && (_device.type != source.device_type || _device.index != source.device_index))
        {
            images = MoveAndDispose(images, _device);
            labels = MoveAndDispose(labels, _device);
        }

        return (images, labels);
    }

    private static Tensor MoveAndDispose(Tensor tensor, Device device)
    {
        Tensor moved = tensor.to(device);
        if (!ReferenceEquals(moved, tensor))
        {
            tensor.Dispose();
        }

        return moved;
    }
}
