namespace Dwf.Deployment;

/// <summary>Which machinery <see cref="SparseForward"/> uses to run a model sparsely.</summary>
public enum SparseServingPath
{
    /// <summary>
    /// <see cref="LayerChain"/> when the model declares one (<see cref="ICompactable"/>) or is a
    /// <c>Sequential</c> of supported modules (the whole forward in C#, the fastest for small nets);
    /// <see cref="Graph"/> when it describes its forward (<see cref="IDescribesGraph"/>); otherwise <see cref="Hooks"/>.
    /// </summary>
    Auto,

    /// <summary>The chain path of <see cref="SparseModel"/>; refused for models without a chain.</summary>
    LayerChain,

    /// <summary>
    /// The model's own <c>forward</c>, with its Linear and Conv2d layers (and the BatchNorm that directly
    /// follows one) answered by sparse kernels through TorchSharp's forward hooks. Works for any architecture.
    /// </summary>
    Hooks,

    /// <summary>
    /// The graph the model describes (<see cref="IDescribesGraph"/>: residual additions, concatenations, pooling
    /// included) compiled to C# kernels: no native call per layer, the fastest path for residual nets. Refused for
    /// models that do not describe themselves.
    /// </summary>
    Graph,
}

/// <summary>Settings of <see cref="SparseForward.Create"/>.</summary>
public sealed record SparseForwardOptions
{
    /// <summary>Which machinery to use (default <see cref="SparseServingPath.Auto"/>).</summary>
    public SparseServingPath Path { get; init; } = SparseServingPath.Auto;

    /// <summary>
    /// Fold a BatchNorm that directly consumes a served layer's output into that layer (inference-time folding:
    /// W' = W·γ/√(var + ε), b' = (b − mean)·γ/√(var + ε) + β per output channel). Default true.
    /// </summary>
    public bool FoldBatchNorm { get; init; } = true;

    /// <summary>
    /// Let weight layers the sparse kernels cannot run (e.g. Conv1d, ConvTranspose2d, a reflect-padded Conv2d)
    /// stay dense instead of refusing the model. They are listed in <see cref="SparseForward.Layers"/> with the
    /// reason either way. Default false: nothing is dense without the caller saying so.
    /// </summary>
    public bool AllowDenseLayers { get; init; }

    /// <summary>Largest difference accepted by the check against the dense forward, relative to its largest |output| (default 1e-4).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Samples in the probe batch of the checks (default 3).</summary>
    public int ProbeBatch { get; init; } = 3;

    /// <summary>Seed of the probe input (a private generator; the global one is not touched).</summary>
    public long ProbeSeed { get; init; } = 20250201;
}
