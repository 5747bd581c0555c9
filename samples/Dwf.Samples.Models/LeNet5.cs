using Dwf.Deployment;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Samples.Models;

/// <summary>
/// LeNet-5, Caffe variant: conv 20@5×5, max-pool 2, conv 50@5×5, max-pool 2, fc 800→500, ReLU, fc 500→10;
/// 430,500 weights. Input: 1×28×28 images.
/// </summary>
public sealed class LeNet5 : Module<Tensor, Tensor>, ICompactable
{
    private readonly Conv2d conv1 = Conv2d(1, 20, 5);
    private readonly Conv2d conv2 = Conv2d(20, 50, 5);
    private readonly Linear fc1 = Linear(800, 500);
    private readonly Linear fc2 = Linear(500, 10);

    /// <summary>Creates the network with TorchSharp's default initialization.</summary>
    public LeNet5()
        : base(nameof(LeNet5)) => RegisterComponents();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = functional.max_pool2d(conv1.call(input), 2);
        x = functional.max_pool2d(conv2.call(x), 2);
        return fc2.call(functional.relu(fc1.call(x.flatten(1))));
    }

    /// <summary>The layers in the order <see cref="forward"/> applies them (for compaction and sparse execution).</summary>
    public LayerChain DescribeChain() =>
        LayerChain.Create(1, 28, 28).Conv2d(conv1, nameof(conv1)).MaxPool2d(2).Conv2d(conv2, nameof(conv2)).MaxPool2d(2)
            .Flatten().Linear(fc1, nameof(fc1)).ReLU().Linear(fc2, nameof(fc2)).Build();
}
