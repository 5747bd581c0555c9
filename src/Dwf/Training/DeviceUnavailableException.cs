using System;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>
/// A device was asked for that this process cannot use: CUDA without a CUDA backend, driver or GPU, or a GPU index
/// beyond the ones present.
/// </summary>
/// <remarks>The message is one line that names the problem and what to do (which packages to reference).</remarks>
public sealed class DeviceUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="device"/> with a one-line message that includes the fix.</summary>
    public DeviceUnavailableException(Device device, string message)
        : base(message)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
    }

    /// <summary>The device that was asked for.</summary>
    public Device Device { get; }
}
