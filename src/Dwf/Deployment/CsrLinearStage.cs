using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    // One sample: y[r] = b[r] + Σ_p values[p]·x[columns[p]], without bounds checks in the inner loop
    // (CsrMatrix builds its arrays itself and never exposes them writable: columns < Columns, starts ascending;
// the input span holds Columns values, checked by SparseModel against the chain's shapes).
    private void MatrixVector(ReadOnlySpan<float> input, Span<float> output)
    {
        ref float x = ref MemoryMarshal.GetReference(input);
        ref int column = ref MemoryMarshal.GetArrayDataReference(_weight.ColumnsArray);
        ref float value = ref MemoryMarshal.GetArrayDataReference(_weight.ValuesArray);
        var starts = _weight.StartsArray;
        for (int r = 0; r < _weight.Rows; r++)
        {
            int p = starts[r], end = starts[r + 1];
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; p + 3 < end; p += 4)
            {
                s0 += Unsafe.Add(ref value, p) * Unsafe.Add(ref x, Unsafe.Add(ref column, p));
                s1 += Unsafe.Add(ref value, p + 1) * Unsafe.Add(ref x, Unsafe.Add(ref column, p + 1));
                s2 += Unsafe.Add(ref value, p + 2) * Unsafe.Add(ref x, Unsafe.Add(ref column, p + 2));
                s3 += Unsafe.Add(ref value, p + 3) * Unsafe.Add(ref x, Unsafe.Add(ref column, p + 3));
            }

            for (; p < end; p++)
            {
                s0 += Unsafe.Add(ref value, p) * Unsafe.Add(ref x, Unsafe.Add(ref column, p));
            }

            output[r] = _bias[r] + ((s0 + s1) + (s2 + s3));
        }
    }

    public void Run(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        var starts = _weight.StartsArray;
        var columns = _weight.ColumnsArray;
        var values = _weight.ValuesArray;
        if (batch == 1)
        {
            MatrixVector(input, output);
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
