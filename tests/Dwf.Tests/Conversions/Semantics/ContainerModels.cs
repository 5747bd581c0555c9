using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Conversions.Semantics;

/// <summary>Layers reached through ModuleList and ModuleDict, and a normalization layer that never is factorized.</summary>
[Factorize(Depth = 3)]
public partial class Towers : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> towers = ModuleList<Module<Tensor, Tensor>>(Linear(4, 4), LayerNorm(4), Linear(4, 4));
    private readonly ModuleDict<Module<Tensor, Tensor>> heads = ModuleDict<Module<Tensor, Tensor>>(("left", Linear(4, 2)), ("right", Linear(4, 2)));

    public Towers() : base(nameof(Towers)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        foreach (var tower in towers)
        {
            x = tower.call(x);
        }

        return heads["left"].call(x).add(heads["right"].call(x));
    }
}

/// <summary>Opt-ins: an Embedding and a Parameter field are factorized only because their fields ask for it.</summary>
[Factorize(Depth = 2)]
public partial class OptIns : Module<Tensor, Tensor>
{
    [Factorize] private readonly Embedding tokens = Embedding(10, 4);
    private readonly Embedding positions = Embedding(6, 4);
    [Factorize(Depth = 3)] private readonly Parameter scale = new(ones(4));

    public OptIns() : base(nameof(OptIns)) => RegisterComponents();

    public override Tensor forward(Tensor x) => tokens.call(x).add(positions.call(x)).mul(scale);
}
