using System;
using System.IO;
using System.Reflection;
using Dwf.Samples.Mnist.Cli;
using Dwf.Training;
using TorchSharp;
using Xunit;

namespace Dwf.Tests.Sample;

/// <summary><c>--device</c> of the sample: parsed, resolved against the machine, and refused in one line with exit code 2.</summary>
public sealed class DeviceOptionTests
{
    private const string CpuBackend = "libtorch-cpu-linux-x64";

    [Fact]
    public void The_default_is_auto_cuda_when_available_else_the_cpu()
    {
        Assert.Equal(DeviceType.CPU, SampleOptionsBuilder.Resolve(new RawOptions(), cudaDeviceCount: 0).Device.type);
        Assert.Equal("cuda", SampleOptionsBuilder.Resolve(new RawOptions(), cudaDeviceCount: 1).Device.ToString());
        Assert.Equal("cuda:1", SampleOptionsBuilder.Resolve(new RawOptions { Device = "cuda:1" }, cudaDeviceCount: 2).Device.ToString());
        Assert.Equal(DeviceType.CPU, SampleOptionsBuilder.Resolve(new RawOptions { Device = "cpu" }, cudaDeviceCount: 2).Device.type);
    }

    [Fact]
    public void Cuda_on_a_cpu_build_names_the_packages_and_the_msbuild_property()
    {
        Assert.Equal(
            "--device cuda: CUDA is not available: this program was built with the CPU backend libtorch-cpu-linux-x64; on a machine with an NVIDIA GPU and its driver, build and run it with -p:DwfTorchBackend=TorchSharp-cuda-linux (Linux) or -p:DwfTorchBackend=TorchSharp-cuda-windows (Windows) (README, \"Using a GPU\"), or pass --device cpu",
            SampleOptionsBuilder.ErrorOf(new RawOptions { Device = "cuda" }, cudaDeviceCount: 0, backend: CpuBackend));
    }

    [Fact]
    public void Cuda_on_a_cuda_build_without_a_gpu_says_so()
    {
        Assert.Equal(
            "--device cuda:0: CUDA is not available: this program was built with TorchSharp-cuda-linux but finds no NVIDIA GPU or driver (check nvidia-smi), or pass --device cpu",
            SampleOptionsBuilder.ErrorOf(new RawOptions { Device = "cuda:0" }, cudaDeviceCount: 0, backend: "TorchSharp-cuda-linux"));
    }

    [Fact]
    public void A_gpu_that_is_not_there_and_garbage_are_refused_naming_the_fix()
    {
        Assert.Equal(
            "--device cuda:2: cuda:2 was asked for but this machine has 2 CUDA device(s): use cuda:0 … cuda:1, or cuda for the current one",
            SampleOptionsBuilder.ErrorOf(new RawOptions { Device = "cuda:2" }, cudaDeviceCount: 2, backend: CpuBackend));
        Assert.Equal(
            "--device: 'gpu' is not a device: use auto, cpu, cuda or cuda:N (N = 0, 1, … picks a GPU)",
            SampleOptionsBuilder.ErrorOf(new RawOptions { Device = "gpu" }, cudaDeviceCount: 2, backend: CpuBackend));
        Assert.Equal(
            "--device: 'cuda:one' is not a device: after 'cuda:' comes the GPU's index, a whole number ≥ 0 (cuda:0 is the first GPU)",
            SampleOptionsBuilder.ErrorOf(new RawOptions { Device = "cuda:one" }, cudaDeviceCount: 2, backend: CpuBackend));
    }

    [Fact]
    public void The_option_is_parsed_and_listed_in_the_help()
    {
        var output = new StringWriter();
        var (options, _) = new SampleCommand().Parse(new[] { "--device", "cuda:1" }, output, new StringWriter());
        Assert.Equal("cuda:1", options!.Device);
        new SampleCommand().Parse(new[] { "--help" }, output, new StringWriter());
        Assert.Contains("--device <auto|cpu|cuda[:N]>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("TorchSharp-cuda-linux", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("[default: auto]", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_program_knows_the_backend_it_was_built_with()
    {
        // build/TorchBackend.targets records DwfTorchBackend in the assembly; the tests are built with the default.
        Assert.Equal(CpuBackend, DeviceOption.Backend);
    }

    [FactWhenCudaIsMissing]
    public void Asking_the_program_for_cuda_here_is_one_line_on_stderr_and_exit_code_2()
    {
        var main = typeof(SampleCommand).Assembly.GetType("Dwf.Samples.Mnist.Program")!.GetMethod("Main", BindingFlags.NonPublic | BindingFlags.Static)!;
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = (int)main.Invoke(null, new object[] { new[] { "--device", "cuda" } })!;
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(ExitCodes.InvalidUsage, exitCode);
        string text = error.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --device cuda: CUDA is not available", text, StringComparison.Ordinal);
        Assert.Contains("TorchSharp-cuda-linux", text, StringComparison.Ordinal);
    }

    private sealed class FactWhenCudaIsMissingAttribute : FactAttribute
    {
        public FactWhenCudaIsMissingAttribute()
        {
            if (Devices.CudaDeviceCount() > 0)
            {
                Skip = "CUDA is available here: the refusal cannot be shown.";
            }
        }
    }
}
