using System;

namespace Dwf.Data;

/// <summary>
/// Deterministic shuffling that depends only on (seed, epoch): a Fisher–Yates shuffle driven by a
/// SplitMix64 stream, with Lemire's unbiased bounded draw.
/// </summary>
/// <remarks>
/// Our own generator rather than <c>System.Random</c> (whose seeded algorithm is an implementation
/// detail of .NET) or <c>torch.randperm</c> (whose stream may change with LibTorch versions and
/// devices): the order of a given (seed, epoch) is the same on every platform and version, which
/// keeps training runs reproducible. The algorithm is pinned by a known-answer test.
/// </remarks>
internal static class SeededPermutation
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    /// <summary>A permutation of 0..count-1 for the given seed and epoch.</summary>
    public static long[] Create(long count, long seed, long epoch)
    {
        var order = new long[count];
        for (long i = 0; i < count; i++)
        {
            order[i] = i;
        }

        // Distinct epochs get well-separated streams: the epoch is mixed before it is combined with the seed.
        ulong state = Mix((ulong)seed + Mix((ulong)epoch + GoldenGamma));
        for (long i = count - 1; i > 0; i--)
        {
            long j = (long)Bounded(ref state, (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static ulong Next(ref ulong state)
    {
        state += GoldenGamma;
        return Mix(state);
    }

    // SplitMix64 finalizer (Steele, Lea & Flood 2014).
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // Lemire (2019), "Fast random integer generation in an interval": uniform in [0, bound) without modulo bias.
    private static ulong Bounded(ref ulong state, ulong bound)
    {
        ulong high = Math.BigMul(Next(ref state), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(Next(ref state), bound, out low);
            }
        }

        return high;
    }
}
