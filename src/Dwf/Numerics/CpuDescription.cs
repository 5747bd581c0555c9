using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Dwf.Numerics;

/// <summary>
/// The processor a process runs on, in one line (model name, vendor, family and model numbers, AVX-512), because
/// native kernels are chosen per CPU and a result or a failure must say which CPU produced it.
/// </summary>
public static class CpuDescription
{
    private static readonly Lazy<string> Current = new(Read);

    /// <summary>For example <c>AMD EPYC (AuthenticAMD family 26 model 2, AVX-512)</c>; never empty.</summary>
    public static string Describe() => Current.Value;

    /// <summary>Describes the first processor of a <c>/proc/cpuinfo</c> text (exposed for tests).</summary>
    internal static string FromCpuInfo(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Length == 0 && fields.Count > 0)
            {
                break; // the first processor is enough: the machines this runs on are not heterogeneous
            }

            int colon = line.IndexOf(':');
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        string model = fields.GetValueOrDefault("model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var details = new List<string>();
        if (fields.TryGetValue("vendor_id", out var vendor))
        {
            details.Add(fields.TryGetValue("cpu family", out var family) && fields.TryGetValue("model", out var number)
                ? $"{vendor} family {family} model {number}"
                : vendor);
        }

        if (fields.TryGetValue("flags", out var flags) && flags.Split(' ').Contains("avx512f"))
        {
            details.Add("AVX-512");
        }

        return details.Count == 0 ? model : $"{model} ({string.Join(", ", details)})";
    }

    private static string Read()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                return FromCpuInfo(File.ReadLines("/proc/cpuinfo"));
            }
        }
        catch (IOException)
        {
            // Fall through to what the runtime knows.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }

        // Windows sets this for every process, e.g. "Intel64 Family 6 Model 85 Stepping 7, GenuineIntel".
        string? identifier = Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER");
        return string.IsNullOrWhiteSpace(identifier) ? $"{RuntimeInformation.ProcessArchitecture} CPU" : identifier.Trim();
    }
}
