using Xunit;

namespace Dwf.Generators.Tests.Infrastructure;

/// <summary>
/// Tests that each keep the machine busy for a while (the packed-package build, the fuzz run) run one after
/// the other, not at the same time: on two cores the fuzz run would otherwise spend its time budget waiting
/// for the package build's compilers.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MachineHeavyCollection
{
    public const string Name = "Machine-heavy tests";
}
