using System;

namespace Dwf.Deployment;

/// <summary>An element-wise activation, in place, in either layout.</summary>
internal sealed class ActivationStage : ISparseStage
{
    private readonly ActivationKind _kind;
    private readonly float _slope;

    public ActivationStage(ActivationKind kind, double slope, int size)
    {
        _kind = kind;
        _slope = (float)slope;
        InputSize = size;
    }

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public BatchLayout Layout => BatchLayout.Any;

    public bool InPlace => true;

    public long WeightBytes => 0;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        var values = output[..(batch * InputSize)];
        switch (_kind)
        {
            case ActivationKind.Identity:
                break;
            case ActivationKind.ReLU:
                SimdKernels.Relu(values, values);
                break;
            case ActivationKind.LeakyReLU:
                foreach (ref float v in values)
                {
                    v = v >= 0 ? v : _slope * v;
                }

                break;
            case ActivationKind.Tanh:
                foreach (ref float v in values)
                {
                    v = MathF.Tanh(v);
                }

                break;
            case ActivationKind.Sigmoid:
                foreach (ref float v in values)
                {
                    v = 1f / (1f + MathF.Exp(-v));
                }

                break;
            default:
                throw new NotSupportedException($"Activation {_kind} is not supported by sparse execution.");
        }
    }
}
