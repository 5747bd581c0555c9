using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Dwf.Tests.Conversions.Models;

// Conversion 2: LeNet-5, Caffe variant (conv 20@5x5, max-pool, conv 50@5x5, max-pool, fc 500, fc 10), 1x28x28 input.

/// <summary>LeNet-5 (Caffe), every layer factorized at depth 2 (the lasso).</summary>
[Factorize(Depth = 2, Lambda = 1e-4)]
public partial class LeNet5 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1 = Conv2d(1, 20, 5);
    private readonly Module<Tensor, Tensor> conv2 = Conv2d(20, 50, 5);
    private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
    private readonly Module<Tensor, Tensor> fc1 = Linear(800, 500);
    private readonly Module<Tensor, Tensor> fc2 = Linear(500, 10);

    public LeNet5() : base(nameof(LeNet5)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = pool.call(conv1.call(x));
        x = pool.call(conv2.call(x));
        return fc2.call(relu(fc1.call(x.flatten(1))));
    }
}

/// <summary>The same network as written before the conversion.</summary>
public class LeNet5Dense : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1 = Conv2d(1, 20, 5);
    private readonly Module<Tensor, Tensor> conv2 = Conv2d(20, 50, 5);
    private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
    private readonly Module<Tensor, Tensor> fc1 = Linear(800, 500);
    private readonly Module<Tensor, Tensor> fc2 = Linear(500, 10);

    public LeNet5Dense() : base(nameof(LeNet5)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = pool.call(conv1.call(x));
        x = pool.call(conv2.call(x));
        return fc2.call(relu(fc1.call(x.flatten(1))));
    }
}
