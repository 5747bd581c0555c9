using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>
/// A parameter-holding node of the factor store, the module tree registered on a factorized module as
/// <see cref="Factorization.StoreName"/>. The tree mirrors the paths of the factorized weights, so the
/// state-dict key of factor d of <c>features.0.weight</c> is <c>dwf_factors.features.0.weight.{d}</c>.
/// </summary>
/// <remarks>
/// A plain custom module: TorchSharp's generic <c>.to()</c> moves and converts its parameters, which is
/// why the factors are not registered on the (sealed) layers themselves: <c>Linear._to</c> moves only
/// <c>weight</c> and <c>bias</c>.
/// </remarks>
internal sealed class FactorNode : nn.Module
{
    public FactorNode(string name)
        : base(name)
    {
    }

    public FactorNode Child(string name)
    {
        foreach (var (childName, child) in named_children())
        {
            if (childName == name)
            {
                return (FactorNode)child;
            }
        }

        var node = new FactorNode(name);
        register_module(name, node);
        return node;
    }
}
