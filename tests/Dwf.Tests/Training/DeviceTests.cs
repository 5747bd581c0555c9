using System;
using System.IO;
using System.Linq;
using System.Threading;
using Dwf.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.Device"/> and <see cref="Devices"/>: device strings, the one-line refusal of CUDA where it is
/// not available, and training on an explicit device. The GPU tests run only where CUDA is available (reported as
/// skipped elsewhere, never as passed): this project's machines have no GPU.
/// </summary>
public sealed class DeviceTests
{
    [Theory]
    [InlineData("cpu", 0, "cpu")]
    [InlineData("CPU", 2, "cpu")]
    [InlineData(" auto ", 0, "cpu")]
    [InlineData("auto", 2, "cuda")]
    [InlineData("cuda", 1, "cuda")]
    [InlineData("cuda:0", 1, "cuda:0")]
    [InlineData("cuda:1", 2, "cuda:1")]
    public void Device_strings_resolve_as_in_PyTorch(string text, int cudaDevices, string expected)
    {
        var device = Devices.Resolve(text, cudaDevices);
        Assert.Equal(expected, device.ToString());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("mps")]
    [InlineData("cuda0")]
    public void Garbage_is_refused_naming_the_choices(string text)
    {
        var error = Assert.Throws<FormatException>(() => Devices.Resolve(text, 2));
        Assert.Equal($"'{text}' is not a device: use auto, cpu, cuda or cuda:N (N = 0, 1, … picks a GPU).", error.Message);
    }

    [Theory]
    [InlineData("cuda:")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:1.5")]
    [InlineData("cuda:99999999999")]
    public void A_bad_gpu_index_is_refused_saying_what_an_index_is(string text)
    {
        var error = Assert.Throws<FormatException>(() => Devices.Resolve(text, 2));
        Assert.Equal($"'{text}' is not a device: after 'cuda:' comes the GPU's index, a whole number ≥ 0 (cuda:0 is the first GPU).", error.Message);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void Cuda_without_cuda_is_one_line_naming_the_packages_to_reference(string text)
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => Devices.Resolve(text, 0));
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith($"{text} was asked for but CUDA is not available to this process", error.Message, StringComparison.Ordinal);
        Assert.Contains("TorchSharp-cuda-linux", error.Message, StringComparison.Ordinal);
        Assert.Contains("TorchSharp-cuda-windows", error.Message, StringComparison.Ordinal);
        Assert.Equal(DeviceType.CUDA, error.Device.type);
    }

    [Fact]
    public void A_gpu_index_beyond_the_gpus_present_names_the_ones_there_are()
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => Devices.Resolve("cuda:2", 2));
        Assert.Equal("cuda:2 was asked for but this machine has 2 CUDA device(s): use cuda:0 … cuda:1, or cuda for the current one.", error.Message);
    }

    [Fact]
    public void Auto_is_the_cpu_here_exactly_when_cuda_is_not_available()
    {
        var device = Devices.Resolve("auto");
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
    }

    [Fact]
    public void Devices_compare_like_placements_and_a_module_is_where_its_parameters_are()
    {
        Assert.True(Devices.Same(CPU, new Device(DeviceType.CPU, -1)));
        Assert.True(Devices.Same(new Device(DeviceType.CUDA, -1), new Device(DeviceType.CUDA, 1)));
        Assert.False(Devices.Same(new Device(DeviceType.CUDA, 0), new Device(DeviceType.CUDA, 1)));
        Assert.False(Devices.Same(CPU, new Device(DeviceType.CUDA, 0)));
        using var model = new Support.TwoLayerMlp();
        Assert.Equal(DeviceType.CPU, Devices.Of(model).type);
    }

    [FactWhenCudaIsMissing]
    public void A_trainer_asked_for_cuda_where_there_is_none_refuses_before_doing_anything()
    {
        using var model = SyntheticTraining.Model(1);
        var before = model.parameters().First();
        var error = Assert.Throws<DeviceUnavailableException>(() => new Trainer(model, SyntheticTraining.Options() with { Device = new Device(DeviceType.CUDA, 0) }));
        Assert.Contains("TorchSharp-cuda-linux", error.Message, StringComparison.Ordinal);
        Assert.Same(before, model.parameters().First());
    }

    [Fact]
    public void Training_on_an_explicit_cpu_device_gives_the_same_numbers_as_no_device()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            using var implicitDevice = SyntheticTraining.Model(4);
            using var explicitDevice = SyntheticTraining.Model(4);
            var expected = new Trainer(implicitDevice, SyntheticTraining.Options()).Fit(train, test);
            var actual = new Trainer(explicitDevice, SyntheticTraining.Options() with { Device = Devices.Resolve("cpu") }).Fit(train, test);

            Assert.Equal(expected.History.Select(h => h.TrainLoss), actual.History.Select(h => h.TrainLoss));
            Assert.Equal(expected.History.Select(h => h.TestAccuracy), actual.History.Select(h => h.TestAccuracy));
            SyntheticTraining.AssertSameParameters(implicitDevice, explicitDevice);
        }
    }

    [FactWhenCudaIsAvailable]
    public void On_the_gpu_the_model_trains_and_evaluates_and_its_checkpoint_resumes_on_the_cpu()
    {
        var (train, test) = SyntheticTraining.Data();
        string directory = Directory.CreateTempSubdirectory("dwf-device").FullName;
        try
        {
            using (train)
            using (test)
            {
                // Interrupted on the GPU, resumed on the CPU: model and momentum buffers follow the model's device.
                string checkpoint = Path.Combine(directory, "run.ckpt");
                using var onGpu = SyntheticTraining.Model(9);
                using var cancellation = new CancellationTokenSource();
                var gpu = SyntheticTraining.Options(checkpoint) with { Device = new Device(DeviceType.CUDA, 0) };
                Assert.Throws<OperationCanceledException>(() => new Trainer(onGpu, gpu).Fit(train, test, new CancelAt(2, cancellation), cancellation.Token));
                Assert.Equal(DeviceType.CUDA, Devices.Of(onGpu).type);

                using var onCpu = SyntheticTraining.Model(10);
                var result = new Trainer(onCpu, SyntheticTraining.Options(checkpoint, resume: true) with { Device = CPU }).Fit(train, test);
                Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss, "the loss fell");
                Assert.True(result.Final.TestAccuracy > 0.6, $"accuracy {result.Final.TestAccuracy}");

                // And the other way round: a CPU checkpoint continues on the GPU.
                using var again = SyntheticTraining.Model(11);
                var resumedOnGpu = new Trainer(again, SyntheticTraining.Options(checkpoint, resume: true) with { Device = new Device(DeviceType.CUDA, 0), Epochs = 5 }).Fit(train, test);
                Assert.Equal(5, resumedOnGpu.History.Count);
                Assert.True(double.IsFinite(resumedOnGpu.Final.TrainLoss));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class CancelAt(int epoch, CancellationTokenSource source) : ITrainingObserver
    {
        public void OnBatch(int currentEpoch, long currentBatch, long batches, double loss)
        {
            if (currentEpoch == epoch && currentBatch == 5)
            {
                source.Cancel();
            }
        }
    }

    private sealed class FactWhenCudaIsAvailableAttribute : FactAttribute
    {
        public FactWhenCudaIsAvailableAttribute()
        {
            if (Devices.CudaDeviceCount() == 0)
            {
                Skip = "CUDA is not available here (a CPU libtorch backend, or no GPU): build with -p:DwfTorchBackend=TorchSharp-cuda-linux on a GPU machine to run it.";
            }
        }
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
