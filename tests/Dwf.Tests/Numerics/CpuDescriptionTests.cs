using Dwf.Numerics;
using Xunit;

namespace Dwf.Tests.Numerics;

public sealed class CpuDescriptionTests
{
    [Fact]
    public void Describes_the_first_processor_of_cpuinfo_with_vendor_family_model_and_AVX512()
    {
        var lines = new[]
        {
            "processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26", "model\t\t: 2",
            "model name\t: AMD EPYC", "flags\t\t: fpu sse avx2 avx512f avx512bw", "",
            "processor\t: 1", "vendor_id\t: GenuineIntel", "model name\t: Something else",
        };

        Assert.Equal("AMD EPYC (AuthenticAMD family 26 model 2, AVX-512)", CpuDescription.FromCpuInfo(lines));
    }

    [Fact]
    public void Without_AVX512_or_numbers_says_only_what_it_knows()
    {
        var lines = new[] { "vendor_id\t: GenuineIntel", "model name\t: Intel(R) Xeon(R) Processor", "flags\t\t: fpu sse avx2" };
        Assert.Equal("Intel(R) Xeon(R) Processor (GenuineIntel)", CpuDescription.FromCpuInfo(lines));
    }

    [Fact]
    public void The_description_of_this_machine_is_never_empty() =>
        Assert.False(string.IsNullOrWhiteSpace(CpuDescription.Describe()));
}
