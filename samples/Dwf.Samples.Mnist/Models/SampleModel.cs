using System;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Models;

/// <summary>A network being trained with deep weight factorization, and how it was built.</summary>
/// <param name="Module">The network.</param>
/// <param name="Factorization">Its factorization (the runtime behind the generated members).</param>
/// <param name="Construction">How it was built, for the console: the annotated class, or the plain class plus a run-time plan.</param>
/// <param name="FlattenInputs">Whether the network takes flattened images (an MLP).</param>
internal sealed record SampleModel(nn.Module<Tensor, Tensor> Module, Factorization Factorization, string Construction, bool FlattenInputs) : IDisposable
{
    public void Dispose() => Module.Dispose();
}
