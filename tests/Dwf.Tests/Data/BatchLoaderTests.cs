using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Data;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Data;

public sealed class BatchLoaderTests
{
    [Fact]
    public void Same_seed_gives_the_same_order_and_batches()
    {
        using var data = IndexedDataset(103);
        using var first = data.Batches(batchSize: 10, seed: 7);
        using var second = data.Batches(batchSize: 10, seed: 7);

        Assert.Equal(first.EpochOrder(0), second.EpochOrder(0));
        Assert.Equal(first.EpochOrder(5), second.EpochOrder(5));
        Assert.Equal(VisitedIndices(first.Epoch(3)), VisitedIndices(second.Epoch(3)));
    }

    [Fact]
    public void Different_seeds_and_different_epochs_give_different_orders()
    {
        using var data = IndexedDataset(200);
        using var seed1 = data.Batches(batchSize: 16, seed: 1);
        using var seed2 = data.Batches(batchSize: 16, seed: 2);

        Assert.NotEqual(seed1.EpochOrder(0), seed2.EpochOrder(0));
        Assert.NotEqual(seed1.EpochOrder(0), seed1.EpochOrder(1));
        Assert.NotEqual(Enumerable.Range(0, 200).Select(i => (long)i).ToArray(), seed1.EpochOrder(0));
    }

    [Fact]
    public void Shuffled_order_is_pinned_across_platforms_and_versions()
    {
        // Known answer of SplitMix64 + Fisher–Yates for (seed 42, epoch 0, n 10): a change here
        // silently changes every seeded experiment, so it must be deliberate.
        using var data = IndexedDataset(10);
        using var loader = data.Batches(batchSize: 4, seed: 42);

        Assert.Equal(PinnedOrderSeed42, loader.EpochOrder(0));
    }

    [Fact]
    public void Every_index_appears_exactly_once_per_epoch()
    {
        using var data = IndexedDataset(1000);
        using var loader = data.Batches(batchSize: 64, seed: 3);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            var visited = VisitedIndices(loader);
            Assert.Equal(1000, visited.Count);
            Assert.Equal(Enumerable.Range(0, 1000), visited.OrderBy(i => i).Select(i => (int)i));
        }

        Assert.Equal(3, loader.NextEpoch);
    }

    [Fact]
    public void Enumerating_the_loader_advances_epochs_reproducibly()
    {
        using var data = IndexedDataset(50);
        using var loader = data.Batches(batchSize: 8, seed: 11);

        var epoch0 = VisitedIndices(loader);
        var epoch1 = VisitedIndices(loader);

        Assert.Equal(loader.EpochOrder(0), epoch0);
        Assert.Equal(loader.EpochOrder(1), epoch1);
        Assert.NotEqual(epoch0, epoch1);
    }

    [Fact]
    public void Labels_travel_with_their_images()
    {
        using var data = IndexedDataset(37);
        using var loader = data.Batches(batchSize: 5, seed: 9);

        foreach (var (images, labels) in loader)
        {
            using (images)
            using (labels)
            {
                var index = images.flatten().data<float>().Select(v => (long)v).ToArray();
                Assert.Equal(index.Select(i => i % 10).ToArray(), labels.data<long>().ToArray());
            }
        }
    }

    [Fact]
    public void Drop_last_skips_only_the_incomplete_batch()
    {
        using var data = IndexedDataset(23);
        using var keep = data.Batches(batchSize: 5, shuffle: false);
        using var drop = data.Batches(batchSize: 5, shuffle: false, dropLast: true);

        var keptSizes = BatchSizes(keep);
        var droppedSizes = BatchSizes(drop);

        Assert.Equal(new long[] { 5, 5, 5, 5, 3 }, keptSizes);
        Assert.Equal(5, keep.BatchesPerEpoch);
        Assert.Equal(new long[] { 5, 5, 5, 5 }, droppedSizes);
        Assert.Equal(4, drop.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), VisitedIndices(drop.Epoch(0)));
    }

    [Fact]
    public void Without_shuffle_every_epoch_is_in_natural_order()
    {
        using var data = IndexedDataset(12);
        using var loader = data.Batches(batchSize: 5, shuffle: false, seed: 99);

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), VisitedIndices(loader.Epoch(0)));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), VisitedIndices(loader.Epoch(4)));
    }

    [Fact]
    public void Flatten_yields_rows_of_all_pixels()
    {
        using var images = arange(4 * 2 * 3 * 3, dtype: ScalarType.Float32).reshape(4, 2, 3, 3);
        using var labels = tensor(new long[] { 0, 1, 2, 3 });
        using var data = new ImageClassificationDataset("tiny", images.clone(), labels.clone(), 4);
        using var loader = data.Batches(batchSize: 3, shuffle: false, flatten: true);

        var (batch, batchLabels) = loader.First();
        using (batch)
        using (batchLabels)
        {
            Assert.Equal(new long[] { 3, 18 }, batch.shape);
            Assert.Equal(Enumerable.Range(18, 18).Select(v => (float)v), batch[1].data<float>().ToArray());
        }

        using var view = data.FlatView();
        Assert.Equal(new long[] { 4, 18 }, view.shape);
    }

    [Fact]
    public void Batches_are_copies_owned_by_the_caller()
    {
        using var data = IndexedDataset(6);
        using var loader = data.Batches(batchSize: 6, shuffle: false);

        var (images, labels) = loader.First();
        images.fill_(-1);
        images.Dispose();
        labels.Dispose();

        Assert.Equal(0f, data.Images[0, 0, 0, 0].item<float>());
        Assert.Equal(5f, data.Images[5, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Batch_tensors_join_the_dispose_scope_active_while_the_enumerator_advances()
    {
        using var data = IndexedDataset(20);
        using var loader = data.Batches(batchSize: 4, seed: 1);
        var seen = new List<Tensor>();

        using (var batches = loader.Epoch(0).GetEnumerator())
        {
            while (true)
            {
                using var step = NewDisposeScope();
                if (!batches.MoveNext())
                {
                    break;
                }

                seen.Add(batches.Current.images);
                seen.Add(batches.Current.labels);
                Assert.False(batches.Current.images.IsInvalid);
            }
        }

        Assert.Equal(10, seen.Count);
        Assert.All(seen, t => Assert.True(t.IsInvalid));
        Assert.False(data.Images.IsInvalid);
        Assert.False(data.Labels.IsInvalid);
    }

    [Fact]
    public void Dataset_tensors_survive_the_dispose_scope_they_were_created_in()
    {
        ImageClassificationDataset data;
        using (NewDisposeScope())
        {
            data = IndexedDataset(8);
        }

        using (data)
        {
            Assert.False(data.Images.IsInvalid);
            Assert.Equal(7f, data.Images[7, 0, 0, 0].item<float>());
        }

        Assert.Throws<ObjectDisposedException>(() => data.Images);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        using var data = IndexedDataset(4);
        using var labels3 = zeros(3, dtype: ScalarType.Int64);

        Assert.Throws<ArgumentOutOfRangeException>(() => data.Batches(batchSize: 0));
        Assert.Throws<ArgumentException>(() => new BatchLoader(data.Images, labels3, 2));
        using var loader = data.Batches(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.EpochOrder(-1));
    }

    // Computed by an independent Python transcription of the documented algorithm (SplitMix64 keyed by
    // mix(seed + mix(epoch + γ)), Fisher–Yates from the top, Lemire's bounded draw).
    private static readonly long[] PinnedOrderSeed42 = { 5, 9, 2, 8, 4, 6, 1, 0, 3, 7 };

    /// <summary>N samples whose single pixel holds the sample index and whose label is index mod 10.</summary>
    private static ImageClassificationDataset IndexedDataset(int count)
    {
        var images = arange(count, dtype: ScalarType.Float32).reshape(count, 1, 1, 1);
        var labels = arange(count, dtype: ScalarType.Int64).remainder(10);
        return new ImageClassificationDataset("indexed", images, labels, 10);
    }

    private static List<long> VisitedIndices(IEnumerable<(Tensor images, Tensor labels)> batches)
    {
        var visited = new List<long>();
        foreach (var (images, labels) in batches)
        {
            using (images)
            using (labels)
            {
                visited.AddRange(images.flatten().data<float>().Select(v => (long)v));
            }
        }

        return visited;
    }

    private static List<long> BatchSizes(IEnumerable<(Tensor images, Tensor labels)> batches)
    {
        var sizes = new List<long>();
        foreach (var (images, labels) in batches)
        {
            sizes.Add(images.shape[0]);
            images.Dispose();
            labels.Dispose();
        }

        return sizes;
    }
}
