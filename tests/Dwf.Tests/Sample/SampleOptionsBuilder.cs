using Dwf.Samples.Mnist.Cli;

namespace Dwf.Tests.Sample;

/// <summary>Raw options as the command line would give them, for the validation tests.</summary>
internal static class SampleOptionsBuilder
{
    public static SampleOptions Resolve(RawOptions raw) => OptionValidation.Resolve(raw);

    public static string ErrorOf(RawOptions raw)
    {
        var error = Xunit.Assert.Throws<InvalidOptionException>(() => OptionValidation.Resolve(raw));
        Xunit.Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
