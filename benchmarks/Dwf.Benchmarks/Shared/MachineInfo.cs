using System;
using System.IO;
using System.Runtime.InteropServices;
using Dwf.Numerics;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Shared;

/// <summary>One line describing where a measurement ran.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        // The verdict names the CPU and says whether oneDNN ran as shipped or was switched off (wrong float32 convolutions).
        var numerics = NativeNumerics.EnsureChecked();
        return $"{numerics.Cpu}, {Environment.ProcessorCount} logical cores, TorchSharp default intra-op threads {get_num_threads()}, " +
            $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription.Trim()}, SIMD width {System.Numerics.Vector<float>.Count} floats; {LoadAverage()}; {numerics.Describe()}";
    }

    /// <summary>The 1/5/15-minute load averages when the file is written: the machine is shared, and timings depend on it.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {parts[0]} / {parts[1]} / {parts[2]} (1 / 5 / 15 min) at the end of the run";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }
}
