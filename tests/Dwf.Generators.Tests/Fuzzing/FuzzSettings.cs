using System;
using System.Globalization;

namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>
/// How long the fuzz test runs. The suite's short form uses the defaults; a long run sets environment
/// variables (see docs/reliability.md):
/// <list type="bullet">
/// <item><c>DWF_FUZZ_MUTATIONS</c>: number of mutants (default <see cref="DefaultMutations"/>);</item>
/// <item><c>DWF_FUZZ_SEED</c>: the run's seed (default <see cref="DefaultSeed"/>);</item>
/// <item><c>DWF_FUZZ_SECONDS</c>: a time budget after which the run stops early and says so (default
/// <see cref="DefaultSeconds"/> for the short form, none when <c>DWF_FUZZ_MUTATIONS</c> is set);</item>
/// <item><c>DWF_FUZZ_REPLAY</c>: check only this mutation index (to reproduce a reported failure).</item>
/// </list>
/// </summary>
internal sealed record FuzzSettings(long Seed, int Mutations, TimeSpan? Budget, int? Replay)
{
    public const long DefaultSeed = 20_250_909;
    public const int DefaultMutations = 1_000;
    public const int DefaultSeconds = 60;

    public static FuzzSettings FromEnvironment()
    {
        int? mutations = Int("DWF_FUZZ_MUTATIONS");
        int? seconds = Int("DWF_FUZZ_SECONDS");
        TimeSpan? budget = seconds is { } s ? TimeSpan.FromSeconds(s) : mutations is null ? TimeSpan.FromSeconds(DefaultSeconds) : null;
        return new FuzzSettings(Long("DWF_FUZZ_SEED") ?? DefaultSeed, mutations ?? DefaultMutations, budget, Int("DWF_FUZZ_REPLAY"));
    }

    /// <summary>The environment that reproduces mutation <paramref name="index"/> of this run.</summary>
    public string ReplayCommand(int index) =>
        $"DWF_FUZZ_SEED={Seed.ToString(CultureInfo.InvariantCulture)} DWF_FUZZ_REPLAY={index.ToString(CultureInfo.InvariantCulture)} "
        + "dotnet test tests/Dwf.Generators.Tests -c Release --filter \"FullyQualifiedName~Fuzzing.FuzzTests\"";

    private static int? Int(string name) => Long(name) is { } value ? checked((int)value) : null;

    private static long? Long(string name)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"{name}={text} is not an integer.");
    }
}
