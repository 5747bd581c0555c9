using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// An inference-only form of a collapsed (or compacted) feed-forward model that stores only the non-zero
/// weights and computes with sparse kernels written in C#: CSR matrix–vector/matrix products for Linear
/// layers, direct sparse convolution (one shifted vector update per non-zero tap) for Conv2d layers.
/// </summary>
/// <remarks>
/// <para>
/// It is a TorchSharp module (call it like any other; input [B, …] float32 on the CPU, output a new tensor),
/// but it has no parameters: the weights are copied into managed arrays when it is built and later changes
/// to the source model do not reach it. It runs single-threaded and is not differentiable.
/// </para>
/// <para>
/// Linear layers run feature-major ([features, B]) so that each stored weight updates a whole batch row with
/// vector instructions; convolutions and pooling run one sample at a time. Layout changes are transposes
/// inserted between stages when B &gt; 1; a large batch runs in chunks of 32 samples. One forward at a time per
/// instance (calls are serialized).
/// </para>
/// </remarks>
public sealed class SparseModel : nn.Module<Tensor, Tensor>
{
    // A large batch runs in chunks through the whole chain, so that each chunk's activations stay in cache
    // between stages (a LeNet-5 conv1 output for 256 samples is 12 MB); 32 still fills 4 AVX vectors per row.
    private const int ChunkSize = 32;

    private readonly ISparseStage[] _stages;
    private readonly long[] _outputShape;
    private readonly int _largestStage;
    private readonly object _gate = new();
    private float[] _bufferA = Array.Empty<float>();
    private float[] _bufferB = Array.Empty<float>();

    private SparseModel(long[] inputShape, long[] outputShape, ISparseStage[] stages, long nonZero)
        : base(nameof(SparseModel))
    {
        InputShape = inputShape;
        _outputShape = outputShape;
        _stages = stages;
        NonZeroWeights = nonZero;
        _largestStage = stages.Max(s => Math.Max(s.InputSize, s.OutputSize));
        RegisterComponents();
    }

    /// <summary>Shape of one input sample (without the batch dimension).</summary>
    public long[] InputShape { get; }

    /// <summary>Shape of one output sample.</summary>
    public long[] OutputShape => _outputShape.ToArray();

    /// <summary>Stored non-zero weights.</summary>
    public long NonZeroWeights { get; }

    /// <summary>Bytes of the sparse weights, indices and biases in memory.</summary>
    public long WeightBytes => _stages.Sum(s => s.WeightBytes);

    /// <summary>Builds the sparse form of the layers <paramref name="chain"/> describes (their current weights).</summary>
    public static SparseModel FromChain(LayerChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var (stages, nonZero) = SparseStageFactory.Create(chain);
        return new SparseModel(chain.InputShape.ToArray(), chain.OutputShapes[^1].ToArray(), stages, nonZero);
    }

    /// <summary>
    /// Builds the sparse form of a model that declares its chain, after checking on a probe input that the
    /// chain reproduces the model's forward (as compaction does).
    /// </summary>
    public static SparseModel Create<TModule>(TModule module)
        where TModule : nn.Module<Tensor, Tensor>, ICompactable
    {
        ArgumentNullException.ThrowIfNull(module);
        if (Factorization.Find(module) is { IsCollapsed: false })
        {
            throw new InvalidOperationException($"{module.GetType().Name} is still factorized: call Collapse() before building its sparse form.");
        }

        var chain = module.DescribeChain();
        ChainVerification.Verify(module, chain, new CompactionOptions());
        return FromChain(chain);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU)
        {
            throw new ArgumentException($"SparseModel runs float32 on the CPU; got {input.dtype} on {input.device}. Convert the input with .to(float32).cpu().", nameof(input));
        }

        var shape = input.shape;
        if (shape.Length != InputShape.Length + 1 || !shape.AsSpan(1).SequenceEqual(InputShape))
        {
            throw new ArgumentException($"SparseModel expects [B, {LayerChain.Shape(InputShape)}]; got [{LayerChain.Shape(input.shape)}].", nameof(input));
        }

        int batch = checked((int)shape[0]);
        var outputShape = new long[_outputShape.Length + 1];
        outputShape[0] = batch;
        _outputShape.CopyTo(outputShape, 1);
        var output = empty(outputShape, dtype: ScalarType.Float32);
        if (batch == 0)
        {
            return output;
        }

        using var contiguous = input.contiguous();
        lock (_gate)
        {
            var source = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
            var target = MemoryMarshal.Cast<byte, float>(output.bytes);
            int inSize = _stages[0].InputSize, outSize = target.Length / batch;
            for (int start = 0; start < batch; start += ChunkSize)
            {
                int count = Math.Min(ChunkSize, batch - start);
                Run(source.Slice(start * inSize, count * inSize), target.Slice(start * outSize, count * outSize), count);
            }
        }

        return output;
    }

    private void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        int largest = _largestStage * batch;
        if (_bufferA.Length < largest)
        {
            _bufferA = new float[largest];
            _bufferB = new float[largest];
        }

        // `current` is 0 while the data is still the caller's input (never written to), then 1 (A) or 2 (B).
        int current = 0;
        int size = _stages[0].InputSize;
        var layout = BatchLayout.SampleMajor;
        foreach (var stage in _stages)
        {
            var wanted = stage.Layout == BatchLayout.Any ? layout : stage.Layout;
            if (wanted != layout && batch > 1)
            {
                int rows = layout == BatchLayout.SampleMajor ? batch : size;
                int columns = layout == BatchLayout.SampleMajor ? size : batch;
                int target = current == 1 ? 2 : 1;
                SimdKernels.Transpose(Buffer(current, input)[..(batch * size)], Writable(target)[..(batch * size)], rows, columns);
                current = target;
            }

            layout = wanted;
            if (stage.InPlace)
            {
                if (current == 0)
                {
                    input[..(batch * size)].CopyTo(Writable(1));
                    current = 1;
                }

                var span = Writable(current)[..(batch * size)];
                stage.Run(span, span, batch);
            }
            else
            {
                int target = current == 1 ? 2 : 1;
                stage.Run(Buffer(current, input)[..(batch * stage.InputSize)], Writable(target)[..(batch * stage.OutputSize)], batch);
                current = target;
            }

            size = stage.OutputSize;
        }

        var result = Buffer(current, input)[..(batch * size)];
        if (layout == BatchLayout.FeatureMajor && batch > 1)
        {
            SimdKernels.Transpose(result, output, size, batch);
        }
        else
        {
            result.CopyTo(output);
        }
    }

    private ReadOnlySpan<float> Buffer(int which, ReadOnlySpan<float> input) => which switch
    {
        0 => input,
        1 => _bufferA,
        _ => _bufferB,
    };

    private Span<float> Writable(int which) => which == 1 ? _bufferA : _bufferB;
}
