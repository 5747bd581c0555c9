using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Conversions.Semantics;

/// <summary>A factorized submodule with a configuration of its own.</summary>
[Factorize(Depth = 4)]
public partial class Encoder : Module<Tensor, Tensor>
{
    private readonly Linear enc = Linear(6, 4);

    public Encoder() : base(nameof(Encoder)) => RegisterComponents();

    public override Tensor forward(Tensor x) => enc.call(x);
}

/// <summary>Holds a factorized <see cref="Encoder"/> (which keeps depth 4) and factorizes its own decoder at depth 2.</summary>
[Factorize(Depth = 2)]
public partial class AutoEncoder : Module<Tensor, Tensor>
{
    private readonly Encoder encoder = new();
    private readonly Linear decoder = Linear(4, 6);

    public AutoEncoder() : base(nameof(AutoEncoder)) => RegisterComponents();

    public override Tensor forward(Tensor x) => decoder.call(encoder.call(x));
}

/// <summary>Calls RegisterComponents() twice, as happens when a base and a derived constructor both call it.</summary>
[Factorize(Depth = 3)]
public partial class RegisteredTwice : Module<Tensor, Tensor>
{
    private readonly Linear fc = Linear(3, 3);

    public RegisteredTwice() : base(nameof(RegisteredTwice))
    {
        RegisterComponents();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc.call(x);
}

/// <summary>Class depth 2, one field overridden to depth 4, a renamed dense head, factorized biases.</summary>
[Factorize(Depth = 2, FactorizeBias = true)]
public partial class Mixed : Module<Tensor, Tensor>
{
    private readonly Linear fc1 = Linear(5, 5);
    [Factorize(Depth = 4, Lambda = 1e-2)] private readonly Linear fc2 = Linear(5, 5);
    [ComponentName(Name = "classifier")]
    [Dense] private readonly Linear _head = Linear(5, 2);

    public Mixed() : base(nameof(Mixed)) => RegisterComponents();

    public override Tensor forward(Tensor x) => _head.call(fc2.call(fc1.call(x)));
}

/// <summary>Forgets RegisterComponents(): the factorization is never attached.</summary>
[Factorize]
public partial class Forgetful : Module<Tensor, Tensor>
{
    private readonly Linear fc = Linear(2, 2);

    public Forgetful() : base(nameof(Forgetful))
    {
    }

    public override Tensor forward(Tensor x) => fc.call(x);
}

/// <summary>A plain (unannotated) base module class with a layer of its own.</summary>
public abstract class Backbone : Module<Tensor, Tensor>
{
    protected readonly Linear stem = Linear(4, 4);

    protected Backbone(string name) : base(name)
    {
    }
}

/// <summary>A factorized class deriving from a plain module class: the base's layer is factorized too.</summary>
[Factorize(Depth = 3)]
public partial class OnPlainBase : Backbone
{
    [Dense] private readonly Linear head = Linear(4, 2);

    public OnPlainBase() : base(nameof(OnPlainBase)) => RegisterComponents();

    public override Tensor forward(Tensor x) => head.call(stem.call(x));
}

/// <summary>A factorized base class; <see cref="Wide"/> derives from it.</summary>
[Factorize(Depth = 4, Lambda = 1e-3)]
public partial class Narrow : Module<Tensor, Tensor>
{
    [Dense] protected readonly Linear head = Linear(4, 2);
    protected readonly Linear stem = Linear(4, 4);

    public Narrow() : this(nameof(Narrow))
    {
    }

    protected Narrow(string name) : base(name) => RegisterComponents();

    public override Tensor forward(Tensor x) => head.call(stem.call(x));
}

/// <summary>Derives from a factorized class: its plan adds its own rules and λ to the base's.</summary>
[Factorize(Lambda = 1e-2)]
public sealed partial class Wide : Narrow
{
    [Factorize(Depth = 2)] private readonly Linear side = Linear(4, 4);

    public Wide() : base(nameof(Wide))
    {
    }

    public override Tensor forward(Tensor x) => head.call(side.call(stem.call(x)));
}

/// <summary>A module with two inputs.</summary>
[Factorize]
public partial class PairNet : Module<Tensor, Tensor, Tensor>
{
    private readonly Bilinear mix = Bilinear(4, 3, 2);

    public PairNet() : base(nameof(PairNet)) => RegisterComponents();

    public override Tensor forward(Tensor left, Tensor right) => mix.call(left, right);
}

/// <summary>Generic classes nested in a static class.</summary>
public static partial class Containers
{
    /// <summary>A generic, nested factorized module.</summary>
    [Factorize(Depth = 2)]
    public partial class Wrapper<TTag> : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> inner = Sequential(Linear(3, 3), ReLU(), Linear(3, 1));

        public Wrapper() : base(nameof(Wrapper<TTag>)) => RegisterComponents();

        public override Tensor forward(Tensor x) => inner.call(x);
    }
}
