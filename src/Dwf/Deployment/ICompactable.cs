namespace Dwf.Deployment;

/// <summary>
/// A model that declares its data flow as a <see cref="LayerChain"/>, so that it can be compacted
/// (<see cref="Compaction"/>) and run sparsely (<see cref="SparseModel"/>) although its <c>forward</c> is custom code.
/// </summary>
/// <remarks>
/// The declaration is checked, not trusted: compaction first runs the model and the chain on a probe
/// input and refuses a chain whose outputs differ.
/// </remarks>
public interface ICompactable
{
    /// <summary>The model's layers and the operations between them, in execution order.</summary>
    LayerChain DescribeChain();
}
