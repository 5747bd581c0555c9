using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Dwf.Tests.Conversions.Models;

// Conversion 1: LeNet-300-100, the example. The two classes differ only in `partial` and the attributes.

/// <summary>LeNet-300-100, factorized at depth 3; the classifier head stays dense.</summary>
[Factorize(Depth = 3)]
public partial class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear fc1 = Linear(784, 300), fc2 = Linear(300, 100);
    [Dense] private readonly Linear head = Linear(100, 10);

    public Mlp() : base(nameof(Mlp)) => RegisterComponents();

    public override Tensor forward(Tensor x) => head.call(relu(fc2.call(relu(fc1.call(x)))));
}

/// <summary>The same network as written before the conversion.</summary>
public class MlpDense : Module<Tensor, Tensor>
{
    private readonly Linear fc1 = Linear(784, 300), fc2 = Linear(300, 100);
    private readonly Linear head = Linear(100, 10);

    public MlpDense() : base(nameof(Mlp)) => RegisterComponents();

    public override Tensor forward(Tensor x) => head.call(relu(fc2.call(relu(fc1.call(x)))));
}
