using Dwf;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

// Compiled only with -p:ShowDwfAnalyzerWarning=true (see PackageConsumer.csproj): a misconfigured model
// whose Depth = 9 the analyzer delivered by the Dwf package must report as DWF004.

/// <summary>A model factorized deeper than the analyzer recommends.</summary>
[Factorize(Depth = 9)]
internal sealed partial class DeepNet : Module<Tensor, Tensor>
{
    private readonly Linear fc = Linear(8, 8);

    public DeepNet() : base(nameof(DeepNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => fc.call(input);
}

/// <summary>Creates the model, so that it is used code.</summary>
internal static class DeepNetFactory
{
    public static DeepNet Create() => new();
}
