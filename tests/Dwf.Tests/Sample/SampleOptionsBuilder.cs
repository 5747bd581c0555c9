using Dwf.Samples.Mnist.Cli;

namespace Dwf.Tests.Sample;

/// <summary>Raw options as the command line would give them, for the validation tests.</summary>
internal static class SampleOptionsBuilder
{
    // The CPU unless a test says otherwise: the result must not depend on whether this machine has a GPU.
    public static SampleOptions Resolve(RawOptions raw, int cudaDeviceCount = 0) => OptionValidation.Resolve(raw, cudaDeviceCount);

    public static string ErrorOf(RawOptions raw, int cudaDeviceCount = 0, string backend = "libtorch-cpu-linux-x64")
    {
        var error = Xunit.Assert.Throws<InvalidOptionException>(() => OptionValidation.Resolve(raw, cudaDeviceCount, backend));
        Xunit.Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
