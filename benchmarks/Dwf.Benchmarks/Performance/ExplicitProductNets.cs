using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Benchmarks.Performance;

/// <summary>
/// The independent reference of the step-time benchmark: the textbook implementation of DWF, with the
/// factors as ordinary parameters and W = ⊙ w_d computed in <c>forward</c> (plain autograd, plain SGD).
/// </summary>
internal sealed class ExplicitProductLayer : Module<Tensor, Tensor>
{
    private readonly ParameterList factors = new();
    private readonly Parameter bias;
    private readonly bool convolution;

    public ExplicitProductLayer(long[] shape, long outFeatures, int depth, bool convolution)
        : base(nameof(ExplicitProductLayer))
    {
        using var half = 0.5.ToScalar();
        using var spread = 0.6.ToScalar();
        for (int d = 0; d < depth; d++)
        {
            // Balanced magnitudes around the layer's default std; the values don't matter for timing.
            factors.Add(Parameter(rand(shape).sub(half).mul(spread)));
        }

        bias = Parameter(zeros(outFeatures));
        this.convolution = convolution;
        RegisterComponents();
    }

    public IEnumerable<Parameter> Factors => factors;

    public override Tensor forward(Tensor input)
    {
        Tensor weight = factors[0];
        for (int d = 1; d < factors.Count; d++)
        {
            weight = weight.mul(factors[d]);
        }

        return convolution ? functional.conv2d(input, weight, bias) : functional.linear(input, weight, bias);
    }
}

internal sealed class ExplicitProductLeNet300 : Module<Tensor, Tensor>
{
    private readonly ExplicitProductLayer fc1;
    private readonly ExplicitProductLayer fc2;
    private readonly ExplicitProductLayer fc3;

    public ExplicitProductLeNet300(int depth)
        : base(nameof(ExplicitProductLeNet300))
    {
        fc1 = new ExplicitProductLayer(new long[] { 300, 784 }, 300, depth, false);
        fc2 = new ExplicitProductLayer(new long[] { 100, 300 }, 100, depth, false);
        fc3 = new ExplicitProductLayer(new long[] { 10, 100 }, 10, depth, false);
        RegisterComponents();
    }

    public IEnumerable<Parameter> Factors => new[] { fc1, fc2, fc3 }.SelectMany(l => l.Factors);

    public override Tensor forward(Tensor input) =>
        fc3.call(functional.relu(fc2.call(functional.relu(fc1.call(input)))));
}

internal sealed class ExplicitProductLeNet5 : Module<Tensor, Tensor>
{
    private readonly ExplicitProductLayer conv1;
    private readonly ExplicitProductLayer conv2;
    private readonly ExplicitProductLayer fc1;
    private readonly ExplicitProductLayer fc2;

    public ExplicitProductLeNet5(int depth)
        : base(nameof(ExplicitProductLeNet5))
    {
        conv1 = new ExplicitProductLayer(new long[] { 20, 1, 5, 5 }, 20, depth, true);
        conv2 = new ExplicitProductLayer(new long[] { 50, 20, 5, 5 }, 50, depth, true);
        fc1 = new ExplicitProductLayer(new long[] { 500, 800 }, 500, depth, false);
        fc2 = new ExplicitProductLayer(new long[] { 10, 500 }, 10, depth, false);
        RegisterComponents();
    }

    public IEnumerable<Parameter> Factors => new[] { conv1, conv2, fc1, fc2 }.SelectMany(l => l.Factors);

    public override Tensor forward(Tensor input)
    {
        var x = functional.max_pool2d(conv1.call(input), 2);
        x = functional.max_pool2d(conv2.call(x), 2);
        return fc2.call(functional.relu(fc1.call(x.flatten(1))));
    }
}
