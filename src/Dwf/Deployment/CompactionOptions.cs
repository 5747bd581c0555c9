namespace Dwf.Deployment;

/// <summary>Settings of <see cref="Compaction"/>.</summary>
public sealed record CompactionOptions
{
    /// <summary>
    /// Also drop input features (or channels) of the first layer that no remaining weight reads; the compacted
    /// model then starts with a <see cref="SelectInputs"/> step and still takes the original inputs. Default true.
    /// </summary>
    public bool PruneInputs { get; init; } = true;

    /// <summary>Before compacting, check on a probe input that the chain reproduces the model's forward. Default true.</summary>
    public bool VerifyChain { get; init; } = true;

    /// <summary>Largest relative difference between model and chain accepted by the check (default 1e-5).</summary>
    public double VerificationTolerance { get; init; } = 1e-5;

    /// <summary>Seed of the probe input (a private generator; the global one is not touched).</summary>
    public long ProbeSeed { get; init; } = 20250201;
}
