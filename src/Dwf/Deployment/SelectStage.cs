using System;

namespace Dwf.Deployment;

/// <summary>Keeps the listed features (or channels with their planes) of each sample. Sample-major.</summary>
internal sealed class SelectStage : ISparseStage
{
    private readonly int[] _kept;
    private readonly int _unitsIn;
    private readonly int _plane;

    public SelectStage(int[] kept, int unitsIn, int plane)
    {
        _kept = kept;
        _unitsIn = unitsIn;
        _plane = plane;
    }

    public int InputSize => _unitsIn * _plane;

    public int OutputSize => _kept.Length * _plane;

    public BatchLayout Layout => BatchLayout.SampleMajor;

    public bool InPlace => false;

    public long WeightBytes => _kept.LongLength * sizeof(int);

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            var x = input.Slice(b * InputSize, InputSize);
            var y = output.Slice(b * OutputSize, OutputSize);
            if (_plane == 1)
            {
                for (int k = 0; k < _kept.Length; k++)
                {
                    y[k] = x[_kept[k]];
                }

                continue;
            }

            for (int k = 0; k < _kept.Length; k++)
            {
                x.Slice(_kept[k] * _plane, _plane).CopyTo(y.Slice(k * _plane, _plane));
            }
        }
    }
}
