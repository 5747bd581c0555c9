using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>
/// TorchSharp's SGD update of an ordinary (not factorized) parameter in one SIMD pass over memory: the
/// same formulas as <c>TorchSharp.Modules.SGD</c> (weight decay, momentum with dampening, Nesterov,
/// maximize), without the temporaries and native calls of the tensor-op version. Used for the dense
/// group of a <see cref="FactorizedSgd"/> when every factorized weight took the fused path, so the base
/// optimizer need not walk every parameter just to skip the factors.
/// </summary>
internal static unsafe class FusedDenseSgd
{
    public static bool Supports(Tensor parameter, Tensor gradient, Tensor? buffer) =>
        parameter.device_type == DeviceType.CPU
        && parameter.dtype is ScalarType.Float32 or ScalarType.Float64
        && parameter.is_contiguous()
        && gradient.dtype == parameter.dtype
        && gradient.device_type == DeviceType.CPU
        && gradient.is_contiguous()
        && (buffer is null || (buffer.dtype == parameter.dtype && buffer.device_type == DeviceType.CPU && buffer.is_contiguous()));

    public static void Step(Tensor parameter, Tensor gradient, Tensor? buffer, bool first, SgdHyperparameters hyper)
    {
        IntPtr p = FusedFactorSgd.Address(parameter);
        IntPtr g = FusedFactorSgd.Address(gradient);
        IntPtr b = buffer is null ? IntPtr.Zero : FusedFactorSgd.Address(buffer);
        long count = parameter.numel();
        if (parameter.dtype == ScalarType.Float64)
        {
            Run((double*)p, (double*)g, (double*)b, count, first, hyper);
        }
        else
        {
            Run((float*)p, (float*)g, (float*)b, count, first, hyper);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(T* parameter, T* gradient, T* buffer, long count, bool first, SgdHyperparameters h)
        where T : unmanaged, INumber<T>
    {
        T lr = T.CreateChecked(h.Maximize ? h.LearningRate : -h.LearningRate);
        T momentum = T.CreateChecked(h.Momentum);
        T keep = T.CreateChecked(1 - h.Dampening);
        T decay = T.CreateChecked(h.WeightDecay);
        bool useMomentum = h.Momentum != 0 && buffer != null;
        long i = 0;
        int width = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var vLr = new Vector<T>(lr);
            var vMomentum = new Vector<T>(momentum);
            var vKeep = new Vector<T>(keep);
            var vDecay = new Vector<T>(decay);
            for (; i <= count - width; i += width)
            {
                var w = *(Vector<T>*)(parameter + i);
                var grad = *(Vector<T>*)(gradient + i) + vDecay * w;
                var update = grad;
                if (useMomentum)
                {
                    var b = first ? grad : vMomentum * *(Vector<T>*)(buffer + i) + vKeep * grad;
                    *(Vector<T>*)(buffer + i) = b;
                    update = h.Nesterov ? grad + vMomentum * b : b;
                }

                *(Vector<T>*)(parameter + i) = w + vLr * update;
            }
        }

        for (; i < count; i++)
        {
            T w = parameter[i];
            T grad = gradient[i] + decay * w;
            T update = grad;
            if (useMomentum)
            {
                T b = first ? grad : momentum * buffer[i] + keep * grad;
                buffer[i] = b;
                update = h.Nesterov ? grad + momentum * b : b;
            }

            parameter[i] = w + lr * update;
        }
    }
}
