using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace Dwf.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated code with a checked-in file under <c>Snapshots/</c>. Run the tests with
/// <c>DWF_ACCEPT_SNAPSHOTS=1</c> to write the current output instead (then review the diff and commit it).
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "DWF_ACCEPT_SNAPSHOTS";

    public static void Match(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(ProjectDirectory(callerPath), "Snapshots");
        string path = Path.Combine(directory, name + ".g.cs");
        actual = Scrub(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No snapshot '{path}'. Run the tests with {AcceptVariable}=1 to create it, then review and commit it.");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            Assert.Fail($"Generated code differs from '{path}' (run with {AcceptVariable}=1 to accept it).\n{FirstDifference(expected, actual)}\n--- actual ---\n{actual}");
        }
    }

    // The generator's assembly version appears in [GeneratedCode]; a version bump must not invalidate every snapshot.
    private static string Scrub(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace($"\"Dwf.Generators\", \"{typeof(FactorizeGenerator).Assembly.GetName().Version}\"", "\"Dwf.Generators\", \"{version}\"", StringComparison.Ordinal);

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            string a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                return $"First difference at line {i + 1}:\n  expected: {e}\n  actual:   {a}";
            }
        }

        return "No line differs (line endings?).";
    }

    // The test sources sit in the project directory or one folder below it; find the .csproj.
    private static string ProjectDirectory(string callerPath)
    {
        for (var directory = Path.GetDirectoryName(callerPath); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Dwf.Generators.Tests.csproj")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"Dwf.Generators.Tests.csproj not found above {callerPath}.");
    }
}
