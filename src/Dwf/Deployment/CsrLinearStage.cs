using System;

namespace Dwf.Deployment;

/// <summary>
/// y = W·x + b with W in CSR form. Works feature-major ([features, B]): each stored weight adds
/// w · x[column, :] to the output row, a vector loop over the batch; for B = 1 a plain dot product per row.
/// </summary>
internal sealed class CsrLinearStage : ISparseStage
{
    private readonly CsrMatrix _weight;
    private readonly float[] _bias;

    public CsrLinearStage(CsrMatrix weight, float[] bias)
    {
        if (bias.Length != weight.Rows)
        {
            throw new ArgumentException("One bias value per output is needed.", nameof(bias));
        }

        _weight = weight;
        _bias = bias;
    }

    public int InputSize => _weight.Columns;

    public int OutputSize => _weight.Rows;

    public BatchLayout Layout => BatchLayout.FeatureMajor;

    public bool InPlace => false;

    public long WeightBytes => _weight.Bytes + (_bias.LongLength * sizeof(float));

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        var starts = _weight.RowStarts;
        var columns = _weight.ColumnIndices;
        var values = _weight.Values;
        if (batch == 1)
        {
            for (int r = 0; r < _weight.Rows; r++)
            {
                float sum = _bias[r];
                for (int p = starts[r]; p < starts[r + 1]; p++)
                {
                    sum += values[p] * input[columns[p]];
                }

                output[r] = sum;
            }

            return;
        }

        for (int r = 0; r < _weight.Rows; r++)
        {
            var row = output.Slice(r * batch, batch);
            row.Fill(_bias[r]);
            for (int p = starts[r]; p < starts[r + 1]; p++)
            {
                SimdKernels.Axpy(values[p], input.Slice(columns[p] * batch, batch), row);
            }
        }
    }
}
