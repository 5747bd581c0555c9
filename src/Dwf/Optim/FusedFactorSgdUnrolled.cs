using System.Numerics;
using System.Runtime.CompilerServices;

namespace Dwf.Core;

/// <summary>
/// Depth-specialized SIMD loops of <see cref="FusedFactorSgd"/> for D = 2, 3, 4: the factors, products and
/// buffers live in registers instead of per-depth arrays on the stack, which roughly halves the kernel's time.
/// Same formulas as the general loop (which the tests compare against TorchSharp's SGD); the scalar tail of
/// each range is left to the general loop.
/// </summary>
internal static unsafe class FusedFactorSgdUnrolled
{
    /// <summary>One SGD update of one factor vector: weight decay, effective-rate bound, momentum (dampening, Nesterov), step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Update<T>(Vector<T> w, Vector<T> chainGradient, Vector<T> scale, T* extra, T* buffer, long i, in Constants<T> c)
        where T : unmanaged, INumber<T>
    {
        var grad = chainGradient + c.Decay * w;
        if (extra != null)
        {
            grad += *(Vector<T>*)(extra + i);
        }

        if (c.Bounded)
        {
            grad *= scale;
        }

        var update = grad;
        if (c.UseMomentum)
        {
            var b = c.First ? grad : c.Momentum * *(Vector<T>*)(buffer + i) + c.Keep * grad;
            *(Vector<T>*)(buffer + i) = b;
            update = c.Nesterov ? grad + c.Momentum * b : b;
        }

        return w + c.Lr * update;
    }

    /// <summary>P = min(1, c / S), S = Σ_d Π_{k≠d} w_k² (<see cref="EffectiveRateBound"/>); S = 0 gives c/0 = ∞, so 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Scale<T>(Vector<T> sumOfSquares, in Constants<T> c)
        where T : unmanaged, INumber<T> =>
        Vector.Min(Vector<T>.One, c.Bound / sumOfSquares);

    /// <summary>Runs the vectorized part of [start, end) and returns where the scalar tail begins.</summary>
    /// <remarks>One method per depth: a single method holding all three loops grows past the JIT's
    /// inlining budget and <see cref="Update{T}"/> stops being inlined (measured: 2-4x slower).</remarks>
    public static long Run<T>(int depth, long start, long end, T* weight, T* gradient, T** factors, T** buffers, T** extras, in Constants<T> c)
        where T : unmanaged, INumber<T>
    {
        if (!Vector.IsHardwareAccelerated)
        {
            return start;
        }

        return depth switch
        {
            2 => Run2(start, end, weight, gradient, factors, buffers, extras, c),
            3 => Run3(start, end, weight, gradient, factors, buffers, extras, c),
            4 => Run4(start, end, weight, gradient, factors, buffers, extras, c),
            _ => start,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Run2<T>(long i, long end, T* weight, T* gradient, T** factors, T** buffers, T** extras, in Constants<T> c)
        where T : unmanaged, INumber<T>
    {
        int width = Vector<T>.Count;
        T* f0 = factors[0], f1 = factors[1];
        T* b0 = buffers[0], b1 = buffers[1];
        T* e0 = extras[0], e1 = extras[1];
        for (; i <= end - width; i += width)
        {
            var g = *(Vector<T>*)(gradient + i);
            var w0 = *(Vector<T>*)(f0 + i);
            var w1 = *(Vector<T>*)(f1 + i);
            var scale = c.Bounded ? Scale((w1 * w1) + (w0 * w0), c) : Vector<T>.One;
            var n0 = Update(w0, g * w1, scale, e0, b0, i, c);
            var n1 = Update(w1, g * w0, scale, e1, b1, i, c);
            var product = n0 * n1;
            var dead = Vector.LessThan(Vector.Abs(product), c.Tiny); // false for NaN: a blow-up must stay visible
            *(Vector<T>*)(f0 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n0);
            *(Vector<T>*)(f1 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n1);
            *(Vector<T>*)(weight + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, product);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Run3<T>(long i, long end, T* weight, T* gradient, T** factors, T** buffers, T** extras, in Constants<T> c)
        where T : unmanaged, INumber<T>
    {
        int width = Vector<T>.Count;
        T* f0 = factors[0], f1 = factors[1], f2 = factors[2];
        T* b0 = buffers[0], b1 = buffers[1], b2 = buffers[2];
        T* e0 = extras[0], e1 = extras[1], e2 = extras[2];
        for (; i <= end - width; i += width)
        {
            var g = *(Vector<T>*)(gradient + i);
            var w0 = *(Vector<T>*)(f0 + i);
            var w1 = *(Vector<T>*)(f1 + i);
            var w2 = *(Vector<T>*)(f2 + i);
            var q0 = w1 * w2;
            var q1 = w0 * w2;
            var q2 = w0 * w1;
            var scale = c.Bounded ? Scale((q0 * q0) + (q1 * q1) + (q2 * q2), c) : Vector<T>.One;
            var n0 = Update(w0, g * q0, scale, e0, b0, i, c);
            var n1 = Update(w1, g * q1, scale, e1, b1, i, c);
            var n2 = Update(w2, g * q2, scale, e2, b2, i, c);
            var product = n0 * n1 * n2;
            var dead = Vector.LessThan(Vector.Abs(product), c.Tiny); // false for NaN: a blow-up must stay visible
            *(Vector<T>*)(f0 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n0);
            *(Vector<T>*)(f1 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n1);
            *(Vector<T>*)(f2 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n2);
            *(Vector<T>*)(weight + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, product);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Run4<T>(long i, long end, T* weight, T* gradient, T** factors, T** buffers, T** extras, in Constants<T> c)
        where T : unmanaged, INumber<T>
    {
        int width = Vector<T>.Count;
        T* f0 = factors[0], f1 = factors[1], f2 = factors[2], f3 = factors[3];
        T* b0 = buffers[0], b1 = buffers[1], b2 = buffers[2], b3 = buffers[3];
        T* e0 = extras[0], e1 = extras[1], e2 = extras[2], e3 = extras[3];
        for (; i <= end - width; i += width)
        {
            var g = *(Vector<T>*)(gradient + i);
            var w0 = *(Vector<T>*)(f0 + i);
            var w1 = *(Vector<T>*)(f1 + i);
            var w2 = *(Vector<T>*)(f2 + i);
            var w3 = *(Vector<T>*)(f3 + i);
            var s23 = w2 * w3;
            var p01 = w0 * w1;
            var q0 = w1 * s23;
            var q1 = w0 * s23;
            var q2 = p01 * w3;
            var q3 = p01 * w2;
            var scale = c.Bounded ? Scale((q0 * q0) + (q1 * q1) + ((q2 * q2) + (q3 * q3)), c) : Vector<T>.One;
            var n0 = Update(w0, g * q0, scale, e0, b0, i, c);
            var n1 = Update(w1, g * q1, scale, e1, b1, i, c);
            var n2 = Update(w2, g * q2, scale, e2, b2, i, c);
            var n3 = Update(w3, g * q3, scale, e3, b3, i, c);
            var product = n0 * n1 * (n2 * n3);
            var dead = Vector.LessThan(Vector.Abs(product), c.Tiny); // false for NaN: a blow-up must stay visible
            *(Vector<T>*)(f0 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n0);
            *(Vector<T>*)(f1 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n1);
            *(Vector<T>*)(f2 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n2);
            *(Vector<T>*)(f3 + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, n3);
            *(Vector<T>*)(weight + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, product);
        }

        return i;
    }

    /// <summary>The step's constants, broadcast once per chunk.</summary>
    public readonly struct Constants<T>
        where T : unmanaged, INumber<T>
    {
        public Constants(T lr, T momentum, T keep, T decay, bool useMomentum, bool first, bool nesterov, T tiny, T bound, bool bounded)
        {
            Bound = new Vector<T>(bound);
            Bounded = bounded;
            Tiny = new Vector<T>(tiny);
            Lr = new Vector<T>(lr);
            Momentum = new Vector<T>(momentum);
            Keep = new Vector<T>(keep);
            Decay = new Vector<T>(decay);
            UseMomentum = useMomentum;
            First = first;
            Nesterov = nesterov;
        }

        public Vector<T> Lr { get; }

        public Vector<T> Momentum { get; }

        public Vector<T> Keep { get; }

        public Vector<T> Decay { get; }

        /// <summary>The coefficient c of the effective-rate bound; used only when <see cref="Bounded"/>.</summary>
        public Vector<T> Bound { get; }

        public bool Bounded { get; }

        /// <summary>Products below this are dead weights flushed to exact zero (see <see cref="FusedFactorSgd.FlushThreshold{T}"/>).</summary>
        public Vector<T> Tiny { get; }

        public bool UseMomentum { get; }

        public bool First { get; }

        public bool Nesterov { get; }
    }
}
