using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// A <see cref="LayerGraph"/> compiled to C# kernels: sparse convolutions and CSR Linear layers with a BatchNorm
/// that reads only their output folded in, residual additions, concatenations, pooling and ReLU, on a few reused
/// buffers. No native call per layer: the whole forward runs in managed code, sample-major, a chunk of samples at a
/// time. Weights are copied when it is built. Calls are serialized.
/// </summary>
internal sealed class GraphProgram
{
    // Samples per pass through the program: enough to amortize a pass, few enough that a chunk's live activations
    // (a handful of [16, 28, 28] planes in ResNet-20) stay in the cache between steps.
    internal const int ChunkSize = 8;

    private readonly GraphOp[] _ops;
    private readonly int[] _slotSizes;
    private readonly int _inputSize, _outputSize, _outputSlot;
    private readonly long[] _outputShape;
    private readonly Dictionary<string, GraphOp> _weightOps;
    private readonly object _gate = new();
    private float[][] _slots = Array.Empty<float[]>();

    private GraphProgram(GraphOp[] ops, int[] slotSizes, int inputSize, long[] outputShape, int outputSlot, IReadOnlyList<SparseLayerInfo> layers, Dictionary<string, GraphOp> weightOps)
    {
        _ops = ops;
        _slotSizes = slotSizes;
        _inputSize = inputSize;
        _outputShape = outputShape;
        _outputSize = checked((int)outputShape.Aggregate(1L, (a, b) => a * b));
        _outputSlot = outputSlot;
        Layers = layers;
        _weightOps = weightOps;
    }

    /// <summary>The weight layers the graph calls, as served (one entry per call).</summary>
    public IReadOnlyList<SparseLayerInfo> Layers { get; }

    /// <summary>Buffers the program keeps, per sample of a chunk: the sum of each reused slot's largest value (an upper bound of the live activations).</summary>
    public int BufferFloatsPerSample => _slotSizes.Sum();

    public static GraphProgram Compile(LayerGraph graph, bool foldBatchNorm)
    {
        var nodes = graph.Nodes;
        var readers = new int[nodes.Count];
        foreach (var node in nodes)
        {
            foreach (int input in InputsOf(node))
            {
                readers[input]++;
            }
        }

        // A BatchNorm folds into the layer before it when it is that layer's only reader.
        var foldedInto = new Dictionary<int, int>(); // norm node → layer node
        for (int i = 0; i < nodes.Count; i++)
        {
            if (foldBatchNorm && nodes[i] is ModuleNode { Module: BatchNorm norm } n && nodes[n.Input] is ModuleNode layer
                && readers[n.Input] == 1 && n.Input != graph.Output && LayerKernels.IsWeightLayer(layer.Module)
                && LayerKernels.CanFold(layer.Module, norm, layer.Shape[0]) && (layer.Module is not Linear || layer.Shape.Length == 1))
            {
                foldedInto[i] = n.Input;
            }
        }

        var normOf = foldedInto.ToDictionary(p => p.Value, p => p.Key);

        // Values that are the same buffer: a reshape or a folded norm is its source.
        var same = new int[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            same[i] = nodes[i] switch
            {
                ReshapeNode r => same[r.Input],
                ModuleNode when foldedInto.TryGetValue(i, out int layer) => same[layer],
                _ => i,
            };
        }

        // Read positions count real readers only: an alias's readers count through it, and an alias nobody reads
        // must not keep its source alive.
        var lastRead = new int[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            if (same[i] != i)
            {
                continue;
            }

            foreach (int input in InputsOf(nodes[i]))
            {
                lastRead[same[input]] = i;
            }
        }

        lastRead[same[graph.Output]] = int.MaxValue;

        var slots = new SlotAllocator();
        var slotOf = new int[nodes.Count];
        slotOf[0] = -1; // the caller's input, never written
        var ops = new List<GraphOp>();
        var layers = new List<SparseLayerInfo>();
        var weightOps = new Dictionary<string, GraphOp>();
        for (int i = 1; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (same[i] != i)
            {
                slotOf[i] = slotOf[same[i]];
                continue;
            }

            var inputs = InputsOf(node).Select(v => slotOf[same[v]]).ToArray();
            int size = Size(node.Shape);
            // An element-wise step overwrites an input that nobody reads afterwards (never the caller's input).
            int reused = node is ReluNode or AddNode
                ? InputsOf(node).Select(v => same[v]).FirstOrDefault(v => lastRead[v] == i && slotOf[v] >= 0, -1)
                : -1;
            int output = reused >= 0 ? slotOf[reused] : slots.Acquire(size);
            slotOf[i] = output;
            ops.Add(CreateOp(node, nodes, inputs, output, normOf.TryGetValue(i, out int norm) ? (ModuleNode)nodes[norm] : null, layers, weightOps));
            foreach (int value in InputsOf(node).Select(v => same[v]).Distinct())
            {
                if (lastRead[value] == i && value != reused && slotOf[value] >= 0)
                {
                    slots.Release(slotOf[value]);
                }
            }

            if (lastRead[i] == 0 && i != same[graph.Output])
            {
                slots.Release(output); // computed but never read
            }
        }

        return new GraphProgram(ops.ToArray(), slots.Sizes.ToArray(), Size(graph.InputShape), nodes[graph.Output].Shape, slotOf[same[graph.Output]], layers, weightOps);
    }

    /// <summary>Runs a [B, …input shape] float32 CPU tensor through the program.</summary>
    public Tensor Run(Tensor input)
    {
        var shape = input.shape;
        int batch = checked((int)shape[0]);
        var output = empty(new[] { (long)batch }.Concat(_outputShape).ToArray(), dtype: ScalarType.Float32);
        if (batch == 0)
        {
            return output;
        }

        using var contiguous = input.contiguous();
        var source = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
        var target = MemoryMarshal.Cast<byte, float>(output.bytes);
        lock (_gate)
        {
            if (_slots.Length == 0)
            {
                _slots = _slotSizes.Select(s => new float[s * ChunkSize]).ToArray();
            }

            for (int start = 0; start < batch; start += ChunkSize)
            {
                int count = Math.Min(ChunkSize, batch - start);
                var buffers = new GraphBuffers(source.Slice(start * _inputSize, count * _inputSize), _slots);
                foreach (var op in _ops)
                {
                    op.Run(buffers, count);
                }

                buffers.Read(_outputSlot, count * _outputSize).CopyTo(target.Slice(start * _outputSize, count * _outputSize));
            }
        }

        return output;
    }

    /// <summary>Test hook: changes one stored weight of the layer called <paramref name="name"/>.</summary>
    public void CorruptForTest(string name)
    {
        switch (_weightOps[name])
        {
            case StageOp { Stage: SparseConv2dStage conv }:
                conv.CorruptForTest();
                break;
            case LinearOp linear when linear.Weight.ValuesArray.Length > 0:
                linear.Weight.ValuesArray[0] = (linear.Weight.ValuesArray[0] * 2f) + 1f;
                break;
        }
    }

    private static GraphOp CreateOp(GraphNode node, IReadOnlyList<GraphNode> nodes, int[] inputs, int output, ModuleNode? norm, List<SparseLayerInfo> layers, Dictionary<string, GraphOp> weightOps)
    {
        switch (node)
        {
            case ModuleNode { Module: Conv2d conv } n:
            {
                var input = nodes[n.Input].Shape;
                var convolution = LayerKernels.ConvolutionWeights(conv, norm?.Module as BatchNorm);
                var op = new StageOp(new SparseConv2dStage(convolution, (int)input[0], (int)input[1], (int)input[2]), inputs[0], output);
                Served(n, convolution.NonZeroCount, norm, op, layers, weightOps);
                return op;
            }

            case ModuleNode { Module: Linear linear } n:
            {
                var (weight, bias) = LayerKernels.LinearWeights(linear, norm?.Module as BatchNorm);
                var op = new LinearOp(new CsrLinearStage(weight, bias), weight, Size(nodes[n.Input].Shape), inputs[0], output);
                Served(n, weight.NonZeroCount, norm, op, layers, weightOps);
                return op;
            }

            case ModuleNode { Module: MaxPool2d pool } n:
            {
                var input = nodes[n.Input].Shape;
                return new StageOp(new MaxPool2dStage((int)input[0], (int)input[1], (int)input[2], (int)n.Shape[1], (int)n.Shape[2], Ints(pool.kernel_size), Ints(pool.stride ?? pool.kernel_size), Ints(pool.padding ?? new[] { 0L }), Ints(pool.dilation ?? new[] { 1L })), inputs[0], output);
            }

            case ModuleNode { Module: BatchNorm norm2 } n:
            {
                var (scale, shift) = LayerKernels.Affine(norm2);
                return new ChannelAffineOp(scale, shift, Size(n.Shape) / scale.Length, inputs[0], output);
            }

            case NativeModuleNode n:
            {
                foreach (var (name, layer) in n.Module.named_modules().Where(m => LayerKernels.IsWeightLayer(m.module)))
                {
                    string full = name.Length == 0 ? n.Name : n.Name + "." + name;
                    long nonZero = SparseForward.Weight(layer) is { } weight ? SparseForward.CountNonZero(weight) : 0;
                    layers.Add(SparseForward.Info(full, layer, SparseLayerStatus.Dense, nonZero, null, $"runs in TorchSharp as part of '{n.Name}' ({n.Module.GetType().Name}): {n.Reason}"));
                }

                return new NativeModuleOp(n.Module, n.Name, nodes[n.Input].Shape, n.Shape, inputs[0], output);
            }

            case ReluNode n:
                return new ReluOp(Size(n.Shape), inputs[0], output);
            case AddNode n:
                return new AddOp(Size(n.Shape), inputs[0], inputs[1], output);
            case CatNode n:
                return new CatOp(n.Inputs.Select(v => Size(nodes[v].Shape)).ToArray(), inputs, output);
            case GlobalAveragePoolNode n:
            {
                var input = nodes[n.Input].Shape;
                return new GlobalAveragePoolOp((int)input[0], (int)(input[1] * input[2]), inputs[0], output);
            }

            default:
                throw new NotSupportedException($"LayerGraph: no kernel for {node}.");
        }
    }

    private static void Served(ModuleNode node, long nonZero, ModuleNode? norm, GraphOp op, List<SparseLayerInfo> layers, Dictionary<string, GraphOp> weightOps)
    {
        layers.Add(new SparseLayerInfo(node.Name, node.Module.GetType().Name, SparseLayerStatus.Sparse, nonZero, SparseForward.Weight(node.Module)?.numel() ?? 0, norm?.Name, null));
        weightOps.TryAdd(node.Name, op);
    }

    private static IEnumerable<int> InputsOf(GraphNode node) => node switch
    {
        ModuleNode n => new[] { n.Input },
        NativeModuleNode n => new[] { n.Input },
        ReluNode n => new[] { n.Input },
        ReshapeNode n => new[] { n.Input },
        GlobalAveragePoolNode n => new[] { n.Input },
        AddNode n => new[] { n.Left, n.Right },
        CatNode n => n.Inputs,
        _ => Array.Empty<int>(),
    };

    private static int Size(long[] shape) => checked((int)shape.Aggregate(1L, (a, b) => a * b));

    private static int[] Ints(long[] values) => values.Length == 1
        ? new[] { checked((int)values[0]), checked((int)values[0]) }
        : values.Select(v => checked((int)v)).ToArray();

    /// <summary>Buffer slots: a released slot is reused by the next value (grown to the largest it holds).</summary>
    private sealed class SlotAllocator
    {
        private readonly Stack<int> _free = new();

        public List<int> Sizes { get; } = new();

        public int Acquire(int size)
        {
            if (_free.Count > 0)
            {
                int slot = _free.Pop();
                Sizes[slot] = Math.Max(Sizes[slot], size);
                return slot;
            }

            Sizes.Add(size);
            return Sizes.Count - 1;
        }

        public void Release(int slot) => _free.Push(slot);
    }
}
