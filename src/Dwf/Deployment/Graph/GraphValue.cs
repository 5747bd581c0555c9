using System.Collections.Generic;
using System.Linq;

namespace Dwf.Deployment;

/// <summary>
/// A tensor flowing through a graph under construction (<see cref="LayerGraphBuilder"/>): what a node returns and
/// the next ones take. It carries the shape of one sample, without the batch dimension.
/// </summary>
public sealed class GraphValue
{
    internal GraphValue(LayerGraphBuilder owner, int id, long[] shape)
    {
        Owner = owner;
        Id = id;
        SampleShape = shape;
    }

    /// <summary>The shape of one sample (e.g. 16, 28, 28 after a convolution; 10 after a classifier).</summary>
    public IReadOnlyList<long> Shape => SampleShape;

    internal LayerGraphBuilder Owner { get; }

    internal int Id { get; }

    internal long[] SampleShape { get; }

    internal int Size => checked((int)SampleShape.Aggregate(1L, (a, b) => a * b));

    /// <inheritdoc/>
    public override string ToString() => $"%{Id} [{LayerChain.Shape(SampleShape)}]";
}
