using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>
/// One pass over memory that does, for every entry of a factorized weight on the CPU: the chain rule
/// to all D factors, TorchSharp's SGD update of each factor (weight decay, momentum, dampening,
/// Nesterov, maximize: the same formulas as <c>TorchSharp.Modules.SGD</c>), and the re-materialization
/// W = ⊙ w_d. No temporaries, SIMD across entries, split over the intra-op thread count.
/// </summary>
/// <remarks>
/// The general path (<see cref="ProductRule"/> + the base optimizer) runs about 3D + 10 separate tensor
/// operations per weight, each a full pass over memory with a native call and a new tensor; this kernel
/// reads G, the factors and the momentum buffers once and writes factors, buffers and W once. It is used
/// for contiguous float32/float64 CPU tensors; anything else (GPU, other dtypes) takes the general path,
/// which computes the same numbers.
/// </remarks>
internal sealed unsafe class FusedFactorSgd
{
    private const int MinimumEntriesPerThread = 16 * 1024;
    private readonly Action<int> _runChunk;
    private int _depth;
    private long _count;
    private int _chunks;
    private IntPtr _weight;
    private IntPtr _gradient;
    private readonly IntPtr[] _factors = new IntPtr[MaximumDepth];
    private readonly IntPtr[] _extraGradients = new IntPtr[MaximumDepth];
    private readonly IntPtr[] _buffers = new IntPtr[MaximumDepth];
    private bool _hasExtraGradients;
    private bool _firstStep;
    private bool _isDouble;
    private SgdHyperparameters _hyper;

    /// <summary>Deeper factorizations take the general path (the kernel keeps per-depth state on the stack).</summary>
    public const int MaximumDepth = 16;

    public FusedFactorSgd() => _runChunk = RunChunk;

    /// <summary>Whether the kernel can run on this weight and its factors as they are now.</summary>
    public static bool Supports(Tensor weight, Tensor gradient, ReadOnlySpan<Tensor> factors)
    {
        if (factors.Length > MaximumDepth || weight.device_type != DeviceType.CPU)
        {
            return false;
        }

        var dtype = weight.dtype;
        if (weight.numel() * weight.ElementSize > int.MaxValue)
        {
            return false; // TorchSharp's span view of tensor memory is limited to 2 GB
        }

        if (dtype is not (ScalarType.Float32 or ScalarType.Float64) || !weight.is_contiguous() || gradient.dtype != dtype || !gradient.is_contiguous())
        {
            return false;
        }

        foreach (var factor in factors)
        {
            if (factor.dtype != dtype || factor.device_type != DeviceType.CPU || !factor.is_contiguous())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs the fused step. <paramref name="buffers"/> are the momentum buffers (contiguous, same dtype),
    /// zero-filled on the first step; <paramref name="extraGradients"/> are gradients that already reached
    /// the factors through autograd (e.g. <c>Penalty()</c> added to the loss), or null.
    /// </summary>
    public void Step(Tensor weight, Tensor gradient, ReadOnlySpan<Tensor> factors, ReadOnlySpan<Tensor> buffers, ReadOnlySpan<Tensor?> extraGradients, bool firstStep, SgdHyperparameters hyper)
    {
        Span<IntPtr> factorData = stackalloc IntPtr[factors.Length];
        Span<IntPtr> bufferData = stackalloc IntPtr[factors.Length];
        Span<IntPtr> extraData = stackalloc IntPtr[factors.Length];
        for (int d = 0; d < factors.Length; d++)
        {
            factorData[d] = Address(factors[d]);
            bufferData[d] = hyper.Momentum != 0 ? Address(buffers[d]) : IntPtr.Zero;
            var extra = extraGradients.IsEmpty ? null : extraGradients[d];
            extraData[d] = extra is null ? IntPtr.Zero : Address(extra);
        }

        Step(Address(weight), Address(gradient), factorData, bufferData, extraData, weight.numel(), weight.dtype == ScalarType.Float64, firstStep, hyper);
    }

    /// <summary>
    /// The same, on raw addresses of contiguous CPU memory (the caller has checked shapes and dtypes):
    /// lets the optimizer keep the factors' and buffers' addresses between steps instead of asking
    /// TorchSharp for them, which costs several native calls each.
    /// </summary>
    public void Step(IntPtr weight, IntPtr gradient, ReadOnlySpan<IntPtr> factors, ReadOnlySpan<IntPtr> buffers, ReadOnlySpan<IntPtr> extraGradients, long count, bool isDouble, bool firstStep, SgdHyperparameters hyper)
    {
        _depth = factors.Length;
        _count = count;
        _isDouble = isDouble;
        _weight = weight;
        _gradient = gradient;
        _hasExtraGradients = false;
        for (int d = 0; d < _depth; d++)
        {
            _factors[d] = factors[d];
            _buffers[d] = buffers[d];
            _extraGradients[d] = extraGradients[d];
            _hasExtraGradients |= extraGradients[d] != IntPtr.Zero;
        }

        _firstStep = firstStep;
        _hyper = hyper;
        int threads = Math.Max(1, get_num_threads());
        _chunks = (int)Math.Clamp(_count / MinimumEntriesPerThread, 1, threads);
        if (_chunks == 1)
        {
            RunChunk(0);
        }
        else
        {
            Parallel.For(0, _chunks, _runChunk);
        }
    }

    /// <summary>
    /// Weights whose product falls below this are set to exact zero together with their factors:
    /// 1e6 × the smallest normal number (1.2e-32 in float32, 2.2e-302 in float64). Such a weight is dead
    /// by any measure (the collapse threshold is 1.19e-7), and without the flush, products that keep
    /// shrinking become subnormal, where x86 arithmetic is many times slower.
    /// </summary>
    public static T FlushThreshold<T>()
        where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(float) ? T.CreateChecked(1.17549435e-38f * 1e6f) : T.CreateChecked(2.2250738585072014e-308 * 1e6);

    /// <summary>Address of a contiguous CPU tensor's data (TorchSharp validates contiguity and device).</summary>
    public static IntPtr Address(Tensor tensor)
    {
        fixed (byte* pointer = tensor.bytes)
        {
            return (IntPtr)pointer;
        }
    }

    private void RunChunk(int chunk)
    {
        long start = _count * chunk / _chunks;
        long end = _count * (chunk + 1) / _chunks;
        if (_isDouble)
        {
            Run<double>(start, end);
        }
        else
        {
            Run<float>(start, end);
        }
    }

    // Optimized at the first call: the kernel runs a few thousand times per epoch, and tiered compilation
    // would otherwise time its first steps in unoptimized code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<T>(long start, long end)
        where T : unmanaged, INumber<T>
    {
        int depth = _depth;
        T* weight = (T*)_weight;
        T* gradient = (T*)_gradient;
        T** factors = stackalloc T*[depth];
        T** buffers = stackalloc T*[depth];
        T** extras = stackalloc T*[depth];
        for (int d = 0; d < depth; d++)
        {
            factors[d] = (T*)_factors[d];
            buffers[d] = (T*)_buffers[d];
            extras[d] = (T*)_extraGradients[d];
        }

        var h = _hyper;
        T lr = T.CreateChecked(h.Maximize ? h.LearningRate : -h.LearningRate);
        T momentum = T.CreateChecked(h.Momentum);
        T keep = T.CreateChecked(1 - h.Dampening);
        T decay = T.CreateChecked(h.WeightDecay);
        bool useMomentum = h.Momentum != 0;
        bool first = _firstStep;
        bool nesterov = h.Nesterov;
        bool hasExtras = _hasExtraGradients;
        T tiny = FlushThreshold<T>();
        bool bounded = new EffectiveRateBound(h.EffectiveRateBound).IsActive;
        T bound = T.CreateChecked(bounded ? h.EffectiveRateBound : 0);

        long i = start;
        int width = Vector<T>.Count;
        if (depth <= 4 && !hasExtras)
        {
            // The common depths in registers (extra gradients, rare, take the general loop below).
            var constants = new FusedFactorSgdUnrolled.Constants<T>(lr, momentum, keep, decay, useMomentum, first, nesterov, tiny, bound, bounded);
            i = FusedFactorSgdUnrolled.Run(depth, start, end, weight, gradient, factors, buffers, extras, constants);
        }

        if (Vector.IsHardwareAccelerated && end - i >= width)
        {
            Vector<T>* w = stackalloc Vector<T>[depth];
            Vector<T>* others = stackalloc Vector<T>[depth];
            var vLr = new Vector<T>(lr);
            var vMomentum = new Vector<T>(momentum);
            var vKeep = new Vector<T>(keep);
            var vDecay = new Vector<T>(decay);
            var vTiny = new Vector<T>(tiny);
            var vBound = new Vector<T>(bound);
            for (; i <= end - width; i += width)
            {
                var g = *(Vector<T>*)(gradient + i);
                for (int d = 0; d < depth; d++)
                {
                    w[d] = *(Vector<T>*)(factors[d] + i);
                }

                // others[d] = Π_{k≠d} w_k: suffix products first, then times the prefix products.
                others[depth - 1] = Vector<T>.One;
                for (int d = depth - 2; d >= 0; d--)
                {
                    others[d] = others[d + 1] * w[d + 1];
                }

                var prefix = Vector<T>.One;
                var sumOfSquares = Vector<T>.Zero;
                for (int d = 0; d < depth; d++)
                {
                    others[d] *= prefix;
                    prefix *= w[d];
                    if (bounded)
                    {
                        sumOfSquares += others[d] * others[d];
                    }
                }

                var scale = bounded ? Vector.Min(Vector<T>.One, vBound / sumOfSquares) : Vector<T>.One;
                var product = Vector<T>.One;
                for (int d = 0; d < depth; d++)
                {
                    var grad = g * others[d] + vDecay * w[d];
                    if (hasExtras && extras[d] != null)
                    {
                        grad += *(Vector<T>*)(extras[d] + i);
                    }

                    if (bounded)
                    {
                        grad *= scale;
                    }

                    var update = grad;
                    if (useMomentum)
                    {
                        var buffer = first ? grad : vMomentum * *(Vector<T>*)(buffers[d] + i) + vKeep * grad;
                        *(Vector<T>*)(buffers[d] + i) = buffer;
                        update = nesterov ? grad + vMomentum * buffer : buffer;
                    }

                    var updated = w[d] + vLr * update;
                    *(Vector<T>*)(factors[d] + i) = updated;
                    product *= updated;
                }

                var dead = Vector.LessThan(Vector.Abs(product), vTiny); // false for NaN: a blow-up must stay visible
                for (int d = 0; d < depth; d++)
                {
                    *(Vector<T>*)(factors[d] + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, *(Vector<T>*)(factors[d] + i));
                }

                *(Vector<T>*)(weight + i) = Vector.ConditionalSelect(dead, Vector<T>.Zero, product);
            }
        }

        // Scalar tail (and the whole range without SIMD): the same formulas.
        T* scalarOthers = stackalloc T[depth];
        T* scalarW = stackalloc T[depth];
        for (; i < end; i++)
        {
            T g = gradient[i];
            for (int d = 0; d < depth; d++)
            {
                scalarW[d] = factors[d][i];
            }

            scalarOthers[depth - 1] = T.One;
            for (int d = depth - 2; d >= 0; d--)
            {
                scalarOthers[d] = scalarOthers[d + 1] * scalarW[d + 1];
            }

            T prefix = T.One;
            T sumOfSquares = T.Zero;
            for (int d = 0; d < depth; d++)
            {
                scalarOthers[d] *= prefix;
                prefix *= scalarW[d];
                if (bounded)
                {
                    sumOfSquares += scalarOthers[d] * scalarOthers[d];
                }
            }

            // min(1, c / S) as the SIMD loops compute it (c / 0 = ∞ → 1).
            T scale = bounded ? T.Min(T.One, bound / sumOfSquares) : T.One;
            T product = T.One;
            for (int d = 0; d < depth; d++)
            {
                T grad = g * scalarOthers[d] + decay * scalarW[d];
                if (hasExtras && extras[d] != null)
                {
                    grad += extras[d][i];
                }

                if (bounded)
                {
                    grad *= scale;
                }

                T update = grad;
                if (useMomentum)
                {
                    T buffer = first ? grad : momentum * buffers[d][i] + keep * grad;
                    buffers[d][i] = buffer;
                    update = nesterov ? grad + momentum * buffer : buffer;
                }

                T updated = scalarW[d] + lr * update;
                factors[d][i] = updated;
                product *= updated;
            }

            if (T.Abs(product) < tiny)
            {
                product = T.Zero;
                for (int d = 0; d < depth; d++)
                {
                    factors[d][i] = T.Zero;
                }
            }

            weight[i] = product;
        }
    }
}
