using System;
using System.Collections.Generic;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// A small deterministic random source (SplitMix64). Not <see cref="Random"/>: its sequence for a seed is
/// not promised across .NET versions, and a fuzz failure must replay from (seed, mutation index) alone.
/// </summary>
internal sealed class FuzzRandom
{
    private ulong _state;

    private FuzzRandom(ulong state) => _state = state;

    /// <summary>The generator of mutation <paramref name="index"/> of the run with <paramref name="seed"/>: independent of every other index.</summary>
    public static FuzzRandom For(long seed, int index) =>
        new(Mix(unchecked((ulong)seed) ^ Mix(unchecked((ulong)index + 0x9E3779B97F4A7C15UL))));

    /// <summary>A value in [0, <paramref name="exclusiveMax"/>).</summary>
    public int Next(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "must be positive");
        }

        return (int)(NextUInt64() % (ulong)exclusiveMax);
    }

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool Chance(double probability) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private ulong NextUInt64()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        return Mix(_state);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
