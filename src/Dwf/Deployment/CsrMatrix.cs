using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>
/// A float32 matrix in compressed sparse row (CSR) form: the non-zero values of each row, their column indices,
/// and where each row starts. Exact zeros are not stored.
/// </summary>
public sealed class CsrMatrix
{
    private CsrMatrix(int rows, int columns, int[] rowStarts, int[] columnIndices, float[] values)
    {
        Rows = rows;
        Columns = columns;
        RowStarts = rowStarts;
        ColumnIndices = columnIndices;
        Values = values;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Row r's entries are at [RowStarts[r], RowStarts[r + 1]) of <see cref="ColumnIndices"/> and <see cref="Values"/>; length Rows + 1.</summary>
    public int[] RowStarts { get; }

    /// <summary>Column of each stored entry, ascending within a row.</summary>
    public int[] ColumnIndices { get; }

    /// <summary>Value of each stored entry (never 0).</summary>
    public float[] Values { get; }

    /// <summary>Number of stored (non-zero) entries.</summary>
    public int NonZeroCount => Values.Length;

    /// <summary>Bytes of the three arrays (what the matrix costs in memory or in a file).</summary>
    public long Bytes => (RowStarts.LongLength + ColumnIndices.LongLength) * sizeof(int) + Values.LongLength * sizeof(float);

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
