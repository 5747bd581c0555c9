using System.Linq;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// The shape of one sample of the first input a model is called with, for <see cref="MaskScore.SynapticFlow"/>'s
/// all-ones input. One forward pre-hook per model, however many controllers are created for it: the hook cannot remove
/// itself (TorchSharp iterates its hook dictionary while calling it), so it is registered once and kept, and after the
/// first call it only reads a field.
/// </summary>
internal static class FirstInputShape
{
    private static readonly ConditionalWeakTable<nn.Module, Recorder> Recorders = new();

    /// <summary>Starts recording <paramref name="model"/>'s first input (once per model; later calls return the same recorder).</summary>
    public static Recorder Track(nn.Module<Tensor, Tensor> model) => Recorders.GetValue(model, _ =>
    {
        var recorder = new Recorder();
        model.register_forward_pre_hook((_, input) =>
        {
            recorder.Shape ??= new long[] { 1 }.Concat(input.shape.Skip(1)).ToArray();
            return input;
        });
        return recorder;
    });

    /// <summary>What the hook saw: null until the model's first <c>call</c>.</summary>
    internal sealed class Recorder
    {
        /// <summary>[1, …] (batch dimension 1), or null before the first call.</summary>
        public long[]? Shape { get; set; }
    }
}
