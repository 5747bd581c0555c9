using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// A float32 matrix in compressed sparse row (CSR) form: the non-zero values of each row, their column indices,
/// and where each row starts. Exact zeros are not stored. Immutable (the arrays are exposed read-only).
/// </summary>
public sealed class CsrMatrix
{
    private CsrMatrix(int rows, int columns, int[] rowStarts, int[] columnIndices, float[] values)
    {
        Rows = rows;
        Columns = columns;
        StartsArray = rowStarts;
        ColumnsArray = columnIndices;
        ValuesArray = values;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Row r's entries are at [RowStarts[r], RowStarts[r + 1]) of <see cref="ColumnIndices"/> and <see cref="Values"/>; length Rows + 1.</summary>
    public ReadOnlySpan<int> RowStarts => StartsArray;

    /// <summary>Column of each stored entry, ascending within a row.</summary>
    public ReadOnlySpan<int> ColumnIndices => ColumnsArray;

    /// <summary>Value of each stored entry (never 0).</summary>
    public ReadOnlySpan<float> Values => ValuesArray;

    /// <summary>Number of stored (non-zero) entries.</summary>
    public int NonZeroCount => ValuesArray.Length;

    /// <summary>Bytes of the three arrays (what the matrix costs in memory or in a file).</summary>
    public long Bytes => (StartsArray.LongLength + ColumnsArray.LongLength) * sizeof(int) + ValuesArray.LongLength * sizeof(float);

    // The arrays themselves stay private to the library: the kernels index them without bounds checks,
    // relying on the invariants established here (ascending row starts, column indices < Columns).
    internal int[] StartsArray { get; }

    internal int[] ColumnsArray { get; }

    internal float[] ValuesArray { get; }

    /// <summary>The CSR form of a 2-D tensor (any floating dtype, any device; converted to float32 on the CPU).</summary>
    public static CsrMatrix FromDense(Tensor matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.dim() != 2)
        {
            throw new ArgumentException($"CsrMatrix.FromDense needs a 2-D tensor; got [{LayerChain.Shape(matrix.shape)}].", nameof(matrix));
        }

        int rows = checked((int)matrix.shape[0]);
        int columns = checked((int)matrix.shape[1]);
        float[] dense;
        using (var cpu = matrix.detach().to(ScalarType.Float32).cpu().contiguous())
        {
            dense = cpu.data<float>().ToArray();
        }

        int count = dense.Count(v => v != 0f);
        var rowStarts = new int[rows + 1];
        var columnIndices = new int[count];
        var values = new float[count];
        int next = 0;
        for (int r = 0; r < rows; r++)
        {
            rowStarts[r] = next;
            for (int c = 0; c < columns; c++)
            {
                float v = dense[(r * columns) + c];
                if (v != 0f)
                {
                    columnIndices[next] = c;
                    values[next] = v;
                    next++;
                }
            }
        }

        rowStarts[rows] = next;
        return new CsrMatrix(rows, columns, rowStarts, columnIndices, values);
    }

    /// <summary>The dense [Rows, Columns] float32 tensor (for checks).</summary>
    public Tensor ToDense()
    {
        var dense = new float[Rows * Columns];
        for (int r = 0; r < Rows; r++)
        {
            for (int p = RowStarts[r]; p < RowStarts[r + 1]; p++)
            {
                dense[(r * Columns) + ColumnIndices[p]] = Values[p];
            }
        }

        return tensor(dense, new long[] { Rows, Columns });
    }
}
