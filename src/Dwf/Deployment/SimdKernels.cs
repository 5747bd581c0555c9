using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Dwf.Deployment;

/// <summary>The vector loops the sparse stages are built from.</summary>
internal static class SimdKernels
{
    /// <summary>y += a·x over the whole span (x and y of equal length).</summary>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < vy.Length; v++)
            {
                vy[v] += va * vx[v];
            }

            i = vy.Length * Vector<float>.Count;
        }

        for (; i < y.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>
    /// y += a0·x0 + a1·x1 + a2·x2 + a3·x3 over the whole span: four updates for one pass over y (a sparse
    /// convolution's output row is read and written once per four taps instead of once per tap).
    /// </summary>
    public static void Axpy4(float a0, ReadOnlySpan<float> x0, float a1, ReadOnlySpan<float> x1, float a2, ReadOnlySpan<float> x2, float a3, ReadOnlySpan<float> x3, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<float>.Count)
        {
            var v0 = new Vector<float>(a0);
            var v1 = new Vector<float>(a1);
            var v2 = new Vector<float>(a2);
            var v3 = new Vector<float>(a3);
            var s0 = MemoryMarshal.Cast<float, Vector<float>>(x0[..y.Length]);
            var s1 = MemoryMarshal.Cast<float, Vector<float>>(x1[..y.Length]);
            var s2 = MemoryMarshal.Cast<float, Vector<float>>(x2[..y.Length]);
            var s3 = MemoryMarshal.Cast<float, Vector<float>>(x3[..y.Length]);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < vy.Length; v++)
            {
                vy[v] += (v0 * s0[v]) + (v1 * s1[v]) + (v2 * s2[v]) + (v3 * s3[v]);
            }

            i = vy.Length * Vector<float>.Count;
        }

        for (; i < y.Length; i++)
        {
            y[i] += (a0 * x0[i]) + (a1 * x1[i]) + (a2 * x2[i]) + (a3 * x3[i]);
        }
    }

    /// <summary>[rows, columns] → [columns, rows].</summary>
    public static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        const int Block = 32;
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int r1 = Math.Min(rows, r0 + Block);
            for (int c0 = 0; c0 < columns; c0 += Block)
            {
                int c1 = Math.Min(columns, c0 + Block);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        destination[(c * rows) + r] = source[(r * columns) + c];
                    }
                }
            }
        }
    }

    /// <summary>y = max(x, 0) element-wise (x and y of equal length; the same span for in place).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xv.Length; v++)
            {
                yv[v] = Vector.Max(xv[v], Vector<float>.Zero);
            }

            i = xv.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    /// <summary>y = a + b element-wise (all of equal length; y may be a or b).</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < av.Length; v++)
            {
                yv[v] = av[v] + bv[v];
            }

            i = av.Length * Vector<float>.Count;
        }

        for (; i < a.Length; i++)
        {
            y[i] = a[i] + b[i];
        }
    }
}
