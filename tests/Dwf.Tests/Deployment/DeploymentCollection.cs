using Xunit;

namespace Dwf.Tests.Deployment;

/// <summary>
/// The deployment tests seed TorchSharp's global random generator and rely on it between seeding and building a
/// model (as other test classes do). They run in this collection, after the parallel ones and one at a time, so
/// that they neither disturb nor are disturbed by other classes drawing from the same generator.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeploymentCollection
{
    public const string Name = "Deployment (global random generator)";
}
