using Dwf.Deployment;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Samples.Models;

/// <summary>
/// <see cref="LeNet300"/> with deep weight factorization: the same class body plus <c>partial</c> and
/// <c>[Factorize]</c>. After <c>Collapse()</c> its state dict loads into <see cref="LeNet300"/>.
/// </summary>
[Factorize(Depth = 3)]
public sealed partial class FactorizedLeNet300 : Module<Tensor, Tensor>, ICompactable
{
    private readonly Linear fc1 = Linear(784, 300);
    private readonly Linear fc2 = Linear(300, 100);
    private readonly Linear fc3 = Linear(100, 10);

    /// <summary>Creates the network; the factors are created and initialized by RegisterComponents().</summary>
    public FactorizedLeNet300()
        : base(nameof(LeNet300)) => RegisterComponents();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) =>
        fc3.call(functional.relu(fc2.call(functional.relu(fc1.call(input)))));

    /// <summary>The layers in the order <see cref="forward"/> applies them (for compaction and sparse execution).</summary>
    public LayerChain DescribeChain() =>
        LayerChain.Create(784).Linear(fc1, nameof(fc1)).ReLU().Linear(fc2, nameof(fc2)).ReLU().Linear(fc3, nameof(fc3)).Build();
}
