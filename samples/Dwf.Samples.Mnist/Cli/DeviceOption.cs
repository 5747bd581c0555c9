using System;
using System.Linq;
using System.Reflection;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>
/// <c>--device auto|cpu|cuda[:N]</c>: where to train, checked against this machine before anything runs. Asking for
/// CUDA where it is not available is one line that says how to get it (exit code 2, like every invalid option).
/// </summary>
internal static class DeviceOption
{
    public const string HelpName = "auto|cpu|cuda[:N]";

    /// <summary>The native backend this program was built with: the MSBuild property DwfTorchBackend (build/TorchBackend.targets).</summary>
    public static string Backend =>
        typeof(DeviceOption).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "DwfTorchBackend")?.Value ?? "unknown";

    /// <summary>The device <paramref name="text"/> names.</summary>
    /// <param name="text">The option's value.</param>
    /// <param name="cudaDeviceCount">Usable CUDA devices; null asks this machine (only when it matters).</param>
    /// <param name="backend">The backend the program was built with, for the message when CUDA is missing.</param>
    /// <exception cref="InvalidOptionException">Not a device, or not available here; the message says what to do.</exception>
    public static Device Resolve(string text, int? cudaDeviceCount, string backend)
    {
        try
        {
            return cudaDeviceCount is int count ? Devices.Resolve(text, count) : Devices.Resolve(text);
        }
        catch (FormatException error)
        {
            throw new InvalidOptionException($"--device: {error.Message.TrimEnd('.')}");
        }
        catch (DeviceUnavailableException error) when ((cudaDeviceCount ?? Devices.CudaDeviceCount()) > 0)
        {
            throw new InvalidOptionException($"--device {text.Trim()}: {error.Message.TrimEnd('.')}");
        }
        catch (DeviceUnavailableException)
        {
            throw new InvalidOptionException(backend.StartsWith("TorchSharp-cuda", StringComparison.OrdinalIgnoreCase)
                ? $"--device {text.Trim()}: CUDA is not available: this program was built with {backend} but finds no NVIDIA GPU or driver (check nvidia-smi), or pass --device cpu"
                : $"--device {text.Trim()}: CUDA is not available: this program was built with the CPU backend {backend}; on a machine with an NVIDIA GPU and its driver, build and run it with -p:DwfTorchBackend=TorchSharp-cuda-linux (Linux) or -p:DwfTorchBackend=TorchSharp-cuda-windows (Windows) (README, \"Using a GPU\"), or pass --device cpu");
        }
    }
}
