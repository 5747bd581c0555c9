namespace Dwf.Numerics;

/// <summary>libtorch's process-wide oneDNN (MKL-DNN) switch, as <c>torch.backends.mkldnn.enabled</c> in PyTorch.</summary>
internal interface IOneDnnSwitch
{
    /// <summary>False when the switch cannot be reached in the loaded native library (then it cannot be turned off).</summary>
    bool IsAvailable { get; }

    /// <summary>Whether libtorch may use oneDNN kernels; <c>null</c> when the switch is not available.</summary>
    bool? IsEnabled { get; }

    /// <summary>Turns oneDNN (and NNPACK, the next kernel family libtorch would try) off for the rest of the process. Only called when <see cref="IsAvailable"/>.</summary>
    void Disable();
}
