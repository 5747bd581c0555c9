using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Support;

/// <summary>A two-layer MLP with readonly fields of TorchSharp's sealed concrete types.</summary>
internal sealed class TwoLayerMlp : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear head;

    public TwoLayerMlp(long inputs = 20, long hidden = 16, long outputs = 5, ScalarType dtype = ScalarType.Float32)
        : base(nameof(TwoLayerMlp))
    {
        fc1 = Linear(inputs, hidden, dtype: dtype);
        head = Linear(hidden, outputs, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.call(functional.tanh(fc1.call(x)));
}

/// <summary>One factorizable layer of any kind, for gradient checks.</summary>
internal sealed class SingleLayer : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layer;

    public SingleLayer(Module<Tensor, Tensor> layer)
        : base(nameof(SingleLayer))
    {
        this.layer = layer;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => layer.call(x);
}

/// <summary>A conv net built as a Sequential from a list at run time, with BatchNorm between convolutions.</summary>
internal sealed class SequentialConvNet : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear classifier;

    public SequentialConvNet(ScalarType dtype = ScalarType.Float32)
        : base(nameof(SequentialConvNet))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("0", Conv2d(1, 4, 3, padding: 1, dtype: dtype)),
            ("1", BatchNorm2d(4, dtype: dtype)),
            ("2", ReLU()),
            ("3", Conv2d(4, 6, 3, padding: 1, dtype: dtype)),
            ("4", ReLU()),
            ("5", MaxPool2d(2)),
        };
        features = Sequential(layers);
        classifier = Linear(6 * 4 * 4, 3, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => classifier.call(features.call(x).flatten(1));
}

/// <summary>A custom block with its own Parameter field, held in a ModuleList and a ModuleDict.</summary>
internal sealed class GatedBlock : Module<Tensor, Tensor>
{
    private readonly Linear proj;
    private readonly Parameter gate;

    public GatedBlock(long width)
        : base(nameof(GatedBlock))
    {
        proj = Linear(width, width);
        gate = Parameter(randn(width));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => proj.call(x).mul(gate);
}

internal sealed class ContainerNet : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> blocks;
    private readonly ModuleDict<Module<Tensor, Tensor>> heads;
    private readonly LayerNorm norm;

    public ContainerNet()
        : base(nameof(ContainerNet))
    {
        blocks = new ModuleList<Module<Tensor, Tensor>>(new GatedBlock(8), new GatedBlock(8));
        heads = new ModuleDict<Module<Tensor, Tensor>>();
        heads.Add(("main", Linear(8, 3)));
        heads.Add(("aux", Linear(8, 2)));
        norm = LayerNorm(8);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var block in blocks)
        {
            x = block.call(x);
        }

        return heads["main"].call(norm.call(x));
    }
}

/// <summary>An embedding followed by a linear read-out.</summary>
internal sealed class EmbeddingNet : Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly Linear readout;

    public EmbeddingNet(ScalarType dtype = ScalarType.Float32)
        : base(nameof(EmbeddingNet))
    {
        embedding = Embedding(30, 6, dtype: dtype);
        readout = Linear(6, 2, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens) => readout.call(embedding.call(tokens).mean(new long[] { 1 }));
}

/// <summary>
/// conv (no bias) → BatchNorm → ReLU → pool → linear head; optionally a bias on the conv, or a second conv whose output
/// is added to the first's before normalization-free pooling: the cases scale-invariance detection must tell apart.
/// </summary>
internal sealed class NormalizedConvNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly Conv2d side;
    private readonly Linear head;

    public NormalizedConvNet(bool convBias = false, int channels = 6)
        : base(nameof(NormalizedConvNet))
    {
        conv = Conv2d(1, channels, 3, padding: 1, bias: convBias);
        bn = BatchNorm2d(channels);
        side = Conv2d(1, channels, 3, padding: 1, bias: false);
        head = Linear(channels, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // conv feeds BatchNorm only (scale-invariant unless it has a bias); side feeds an unnormalized sum (not invariant).
        var x = functional.relu(bn.call(conv.call(input)).add(side.call(input)));
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return head.call(x).MoveToOuterDisposeScope();
    }
}

/// <summary>Two 3×3 convolutions (no bias, 8 channels) each followed by BatchNorm and ReLU, then a linear head on the flattened maps.</summary>
internal sealed class SmallBatchNormNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = Conv2d(1, 8, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn1 = BatchNorm2d(8);
    private readonly Conv2d conv2 = Conv2d(8, 8, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn2 = BatchNorm2d(8);
    private readonly Linear head;

    public SmallBatchNormNet(int pixels, int classes)
        : base(nameof(SmallBatchNormNet))
    {
        head = Linear(8 * pixels, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(bn1.call(conv1.call(input)));
        x = functional.relu(bn2.call(conv2.call(x)));
        return head.call(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
