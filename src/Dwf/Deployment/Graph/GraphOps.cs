using System;
using System.Linq;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// One executable step of a <see cref="GraphProgram"/> on a chunk of samples, sample-major: it reads buffer slots
/// (slot −1 is the caller's input) and writes one. Slots are assigned by the program so that a buffer is reused
/// once the value it holds is dead.
/// </summary>
internal abstract class GraphOp
{
    protected GraphOp(int[] inputs, int output)
    {
        Inputs = inputs;
        Output = output;
    }

    public int[] Inputs { get; }

    public int Output { get; }

    public abstract void Run(GraphBuffers buffers, int batch);
}

/// <summary>The slots of a program plus the caller's input (slot −1).</summary>
internal ref struct GraphBuffers
{
    private readonly ReadOnlySpan<float> _input;
    private readonly float[][] _slots;

    public GraphBuffers(ReadOnlySpan<float> input, float[][] slots)
    {
        _input = input;
        _slots = slots;
    }

    public ReadOnlySpan<float> Read(int slot, int length) => slot < 0 ? _input[..length] : _slots[slot].AsSpan(0, length);

    public Span<float> Write(int slot, int length) => _slots[slot].AsSpan(0, length);
}

/// <summary>A stage of the chain machinery (convolution, max pooling) on one input.</summary>
internal sealed class StageOp : GraphOp
{
    public StageOp(ISparseStage stage, int input, int output)
        : base(new[] { input }, output) => Stage = stage;

    public ISparseStage Stage { get; }

    public override void Run(GraphBuffers buffers, int batch) =>
        Stage.Run(buffers.Read(Inputs[0], batch * Stage.InputSize), buffers.Write(Output, batch * Stage.OutputSize), batch);
}

/// <summary>A Linear layer on every row of [*, in_features] (one gathered dot product per output row: the classifiers of conv nets are small).</summary>
internal sealed class LinearOp : GraphOp
{
    private readonly int _rowsPerSample;

    public LinearOp(CsrLinearStage stage, CsrMatrix weight, int inputSize, int input, int output)
        : base(new[] { input }, output)
    {
        Stage = stage;
        Weight = weight;
        _rowsPerSample = inputSize / weight.Columns;
    }

    public CsrLinearStage Stage { get; }

    public CsrMatrix Weight { get; }

    public override void Run(GraphBuffers buffers, int batch)
    {
        int rows = batch * _rowsPerSample, columns = Weight.Columns, outputs = Weight.Rows;
        var x = buffers.Read(Inputs[0], rows * columns);
        var y = buffers.Write(Output, rows * outputs);
        for (int r = 0; r < rows; r++)
        {
            Stage.Run(x.Slice(r * columns, columns), y.Slice(r * outputs, outputs), 1);
        }
    }
}

/// <summary>A BatchNorm that could not be folded: y = x·scale[c] + shift[c] per channel (running statistics).</summary>
internal sealed class ChannelAffineOp : GraphOp
{
    private readonly float[] _scale, _shift;
    private readonly int _plane;

    public ChannelAffineOp(float[] scale, float[] shift, int plane, int input, int output)
        : base(new[] { input }, output) => (_scale, _shift, _plane) = (scale, shift, plane);

    public override void Run(GraphBuffers buffers, int batch)
    {
        int size = _scale.Length * _plane;
        var x = buffers.Read(Inputs[0], batch * size);
        var y = buffers.Write(Output, batch * size);
        for (int i = 0; i < batch * size; i++)
        {
            int c = (i / _plane) % _scale.Length;
            y[i] = (x[i] * _scale[c]) + _shift[c];
        }
    }
}

/// <summary>max(x, 0); in place when the program reuses the input's slot.</summary>
internal sealed class ReluOp : GraphOp
{
    private readonly int _size;

    public ReluOp(int size, int input, int output)
        : base(new[] { input }, output) => _size = size;

    public override void Run(GraphBuffers buffers, int batch) =>
        SimdKernels.Relu(buffers.Read(Inputs[0], batch * _size), buffers.Write(Output, batch * _size));
}

/// <summary>a + b (a residual addition); in place when the program reuses one input's slot.</summary>
internal sealed class AddOp : GraphOp
{
    private readonly int _size;

    public AddOp(int size, int left, int right, int output)
        : base(new[] { left, right }, output) => _size = size;

    public override void Run(GraphBuffers buffers, int batch) =>
        SimdKernels.Add(buffers.Read(Inputs[0], batch * _size), buffers.Read(Inputs[1], batch * _size), buffers.Write(Output, batch * _size));
}

/// <summary>Concatenation along the channels: per sample, the inputs' blocks one after another.</summary>
internal sealed class CatOp : GraphOp
{
    private readonly int[] _sizes;

    public CatOp(int[] sizes, int[] inputs, int output)
        : base(inputs, output) => _sizes = sizes;

    public override void Run(GraphBuffers buffers, int batch)
    {
        int total = 0;
        foreach (int size in _sizes)
        {
            total += size;
        }

        var y = buffers.Write(Output, batch * total);
        int offset = 0;
        for (int k = 0; k < Inputs.Length; k++)
        {
            var x = buffers.Read(Inputs[k], batch * _sizes[k]);
            for (int s = 0; s < batch; s++)
            {
                x.Slice(s * _sizes[k], _sizes[k]).CopyTo(y.Slice((s * total) + offset, _sizes[k]));
            }

            offset += _sizes[k];
        }
    }
}

/// <summary>The mean of each channel's plane: [C, H, W] to [C].</summary>
internal sealed class GlobalAveragePoolOp : GraphOp
{
    private readonly int _channels, _plane;

    public GlobalAveragePoolOp(int channels, int plane, int input, int output)
        : base(new[] { input }, output) => (_channels, _plane) = (channels, plane);

    public override void Run(GraphBuffers buffers, int batch)
    {
        var x = buffers.Read(Inputs[0], batch * _channels * _plane);
        var y = buffers.Write(Output, batch * _channels);
        for (int c = 0; c < batch * _channels; c++)
        {
            // Summed in double: TorchSharp's mean accumulates wider than float32 too, and 784-pixel planes would drift.
            double sum = 0;
            foreach (float v in x.Slice(c * _plane, _plane))
            {
                sum += v;
            }

            y[c] = (float)(sum / _plane);
        }
    }
}

/// <summary>
/// A module without a graph node, run by TorchSharp: the chunk copied into a tensor, its output copied back. It sees
/// one chunk of samples at a time, so it must compute each sample on its own (the checks use a probe of several chunks).
/// </summary>
internal sealed class NativeModuleOp : GraphOp
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly string _name;
    private readonly long[] _inputShape;
    private readonly int _inputSize, _outputSize;

    public NativeModuleOp(nn.Module<Tensor, Tensor> module, string name, long[] inputShape, long[] outputShape, int input, int output)
        : base(new[] { input }, output)
    {
        _module = module;
        _name = name;
        _inputShape = inputShape;
        _inputSize = checked((int)inputShape.Aggregate(1L, (a, b) => a * b));
        _outputSize = checked((int)outputShape.Aggregate(1L, (a, b) => a * b));
    }

    public override void Run(GraphBuffers buffers, int batch)
    {
        if (_module.training)
        {
            throw new InvalidOperationException($"Sparse inference: '{_name}' ({_module.GetType().Name}), which runs in TorchSharp inside the graph, is in training mode. The sparse form serves eval mode only: call eval() on the model.");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(buffers.Read(Inputs[0], batch * _inputSize).ToArray(), new[] { (long)batch }.Concat(_inputShape).ToArray());
        var output = _module.call(input).to(ScalarType.Float32).contiguous();
        if (output.numel() != (long)batch * _outputSize)
        {
            throw new InvalidOperationException($"Sparse inference: '{_name}' ({_module.GetType().Name}) returned [{LayerChain.Shape(output.shape)}] for a chunk of {batch} samples; the graph expected {_outputSize} values per sample, as on the probe input.");
        }

        MemoryMarshal.Cast<byte, float>(output.bytes).CopyTo(buffers.Write(Output, batch * _outputSize));
    }
}
