using System;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>
/// PyTorch-style device choices for training (<c>"auto"</c>, <c>"cpu"</c>, <c>"cuda"</c>, <c>"cuda:N"</c>), checked
/// against what this process can use, and where a module's parameters are.
/// </summary>
/// <remarks>
/// TorchSharp's own <c>torch.device("cuda")</c> tries to load the CUDA backend and fails with a long trace when it is
/// missing; these methods check <c>torch.cuda.is_available()</c> first and say in one line which packages to reference.
/// CUDA needs an application that references <c>TorchSharp-cuda-linux</c> (Linux) or <c>TorchSharp-cuda-windows</c>
/// (Windows) instead of a CPU backend package, an NVIDIA GPU and its driver.
/// </remarks>
public static class Devices
{
    /// <summary>The accepted device strings, for messages and help texts.</summary>
    public const string Choices = "auto, cpu, cuda or cuda:N";

    /// <summary>
    /// The device named by <paramref name="text"/>, checked against this machine: <c>auto</c> is <c>cuda</c> when
    /// <c>torch.cuda.is_available()</c>, else <c>cpu</c>; <c>cuda</c> is the current CUDA device; <c>cuda:N</c> the N-th.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not one of <see cref="Choices"/>; the message says what is.</exception>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for and is not available, or has no device N.</exception>
    public static Device Resolve(string text) => Resolve(text, CudaDeviceCount);

    /// <summary>
    /// As <see cref="Resolve(string)"/>, against a given number of usable CUDA devices (0: no CUDA) instead of this
    /// machine's: for tests and for tools that decide it themselves.
    /// </summary>
    public static Device Resolve(string text, int cudaDeviceCount) => Resolve(text, () => cudaDeviceCount);

    /// <summary>Number of CUDA devices this process can use: 0 unless a CUDA backend, a driver and a GPU are present.</summary>
    public static int CudaDeviceCount() => cuda.is_available() ? cuda.device_count() : 0;

    /// <summary>Throws unless this process can place tensors on <paramref name="device"/>.</summary>
    /// <exception cref="DeviceUnavailableException">The device is a CUDA device that is not available; the message says what to do.</exception>
    public static void EnsureAvailable(Device device) => EnsureAvailable(device, CudaDeviceCount());

    /// <summary>As <see cref="EnsureAvailable(Device)"/>, against a given number of usable CUDA devices.</summary>
    public static void EnsureAvailable(Device device, int cudaDeviceCount)
    {
        ArgumentNullException.ThrowIfNull(device);
        switch (device.type)
        {
            case DeviceType.CPU:
                return;
            case DeviceType.CUDA when cudaDeviceCount <= 0:
                throw new DeviceUnavailableException(
                    device,
                    $"{device} was asked for but CUDA is not available to this process (torch.cuda.is_available() is false): it runs a CPU build of libtorch, or finds no NVIDIA GPU or driver. Reference TorchSharp-cuda-linux (Linux) or TorchSharp-cuda-windows (Windows) instead of the CPU backend package, on a machine with an NVIDIA GPU and its driver, or use the cpu.");
            case DeviceType.CUDA when device.index >= cudaDeviceCount:
                throw new DeviceUnavailableException(
                    device,
                    string.Create(CultureInfo.InvariantCulture, $"{device} was asked for but this machine has {cudaDeviceCount} CUDA device(s): use cuda:0{(cudaDeviceCount > 1 ? $" … cuda:{cudaDeviceCount - 1}" : string.Empty)}, or cuda for the current one."));
            case DeviceType.CUDA:
                return;
            default:
                throw new DeviceUnavailableException(device, $"{device} is not supported by Dwf's training loop; use {Choices}.");
        }
    }

    /// <summary>The device of <paramref name="module"/>'s first parameter (or buffer); the CPU for a module without either.</summary>
    public static Device Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var tensor = (Tensor?)module.parameters().FirstOrDefault() ?? module.buffers().FirstOrDefault();
        return tensor is null ? CPU : new Device(tensor.device_type, tensor.device_index);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are the same device; index −1 (<c>cuda</c>: the current one) matches any index.</summary>
    public static bool Same(Device a, Device b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.type == b.type && (a.index == b.index || a.index < 0 || b.index < 0);
    }

    // The count is asked for only when it matters ("auto" and CUDA): "cpu" never touches the CUDA runtime.
    private static Device Resolve(string text, Func<int> cudaDeviceCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            return CPU;
        }

        if (trimmed.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return cudaDeviceCount() > 0 ? new Device(DeviceType.CUDA, -1) : CPU;
        }

        Device device;
        if (trimmed.Equals("cuda", StringComparison.OrdinalIgnoreCase))
        {
            device = new Device(DeviceType.CUDA, -1);
        }
        else if (trimmed.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase))
        {
            string index = trimmed["cuda:".Length..];
            if (index.Length == 0 || !index.All(char.IsAsciiDigit) || !int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                throw new FormatException($"'{text}' is not a device: after 'cuda:' comes the GPU's index, a whole number ≥ 0 (cuda:0 is the first GPU).");
            }

            device = new Device(DeviceType.CUDA, n);
        }
        else
        {
            throw new FormatException($"'{text}' is not a device: use {Choices} (N = 0, 1, … picks a GPU).");
        }

        EnsureAvailable(device, cudaDeviceCount());
        return device;
    }
}
