using Dwf;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

/// <summary>A factorized module in the global namespace.</summary>
[Factorize]
public partial class GlobalNamespaceNet : Module<Tensor, Tensor>
{
    private readonly Linear fc = Linear(2, 3);

    public GlobalNamespaceNet() : base(nameof(GlobalNamespaceNet)) => RegisterComponents();

    public override Tensor forward(Tensor x) => fc.call(x);
}
