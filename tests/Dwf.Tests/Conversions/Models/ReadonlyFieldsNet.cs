using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Dwf.Tests.Conversions.Models;

// Conversion 5: the most common real-world style: private readonly fields of the concrete sealed layer
// types, assigned in the constructor, for 1x12x12 inputs.

/// <summary>A conv + MLP classifier with concrete-typed readonly fields, factorized at the default depth.</summary>
[Factorize]
public sealed partial class ReadonlyFieldsNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly Linear hidden;
    private readonly Linear output;

    public ReadonlyFieldsNet() : base(nameof(ReadonlyFieldsNet))
    {
        conv = Conv2d(1, 4, 3);
        hidden = Linear(4 * 10 * 10, 32);
        output = Linear(32, 5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => output.call(tanh(hidden.call(relu(conv.call(x)).flatten(1))));
}

/// <summary>The same network as written before the conversion.</summary>
public sealed class ReadonlyFieldsNetDense : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly Linear hidden;
    private readonly Linear output;

    public ReadonlyFieldsNetDense() : base(nameof(ReadonlyFieldsNet))
    {
        conv = Conv2d(1, 4, 3);
        hidden = Linear(4 * 10 * 10, 32);
        output = Linear(32, 5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => output.call(tanh(hidden.call(relu(conv.call(x)).flatten(1))));
}
