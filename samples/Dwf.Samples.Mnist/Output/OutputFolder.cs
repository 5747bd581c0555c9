using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Dwf.Samples.Mnist.Output;

/// <summary>
/// The run's output folder. Results are written into a hidden staging folder inside it and moved into place
/// only by <see cref="Publish"/> at the very end, each with an atomic rename: a run that fails or is interrupted
/// leaves the previous results untouched and no partial file behind.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    private const string StagingPrefix = ".dwf-staging-";

    private readonly bool _createdDirectory;
    private bool _published;

    private OutputFolder(string directory, bool createdDirectory)
    {
        Directory = directory;
        _createdDirectory = createdDirectory;
        StagingDirectory = Path.Combine(directory, StagingPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(StagingDirectory);
    }

    /// <summary>The folder the results end up in.</summary>
    public string Directory { get; }

    /// <summary>Where files are written until <see cref="Publish"/>.</summary>
    public string StagingDirectory { get; }

    /// <summary>Creates <paramref name="directory"/> if needed, removes staging folders of runs that died, and starts staging.</summary>
    /// <exception cref="IOException">The folder cannot be created or written to.</exception>
    public static OutputFolder Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        bool created = !System.IO.Directory.Exists(full);
        System.IO.Directory.CreateDirectory(full);
        RemoveAbandonedStaging(full);
        return new OutputFolder(full, created);
    }

    /// <summary>The staging path of a result file; it appears as <c>Directory/fileName</c> after <see cref="Publish"/>.</summary>
    public string Stage(string fileName)
    {
        if (fileName != Path.GetFileName(fileName) || fileName.StartsWith('.'))
        {
            throw new ArgumentException($"'{fileName}' must be a plain, visible file name.", nameof(fileName));
        }

        return Path.Combine(StagingDirectory, fileName);
    }

    /// <summary>A path directly in the output folder (for files that are written atomically on their own, like checkpoints).</summary>
    public string Final(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>Moves every staged file into the output folder (each move atomic, replacing an older result) and removes the staging folder.</summary>
    public IReadOnlyList<string> Publish()
    {
        if (_published)
        {
            throw new InvalidOperationException("The results have already been published.");
        }

        var published = new List<string>();
        foreach (string staged in System.IO.Directory.GetFiles(StagingDirectory).Order(StringComparer.Ordinal))
        {
            string target = Path.Combine(Directory, Path.GetFileName(staged));
            File.Move(staged, target, overwrite: true);
            published.Add(target);
        }

        System.IO.Directory.Delete(StagingDirectory, recursive: true);
        _published = true;
        return published;
    }

    /// <summary>Without <see cref="Publish"/>: deletes the staged files, and the output folder itself if this run created it and it is empty.</summary>
    public void Dispose()
    {
        if (_published)
        {
            return;
        }

        TryDelete(() => System.IO.Directory.Delete(StagingDirectory, recursive: true));
        if (_createdDirectory && System.IO.Directory.Exists(Directory) && !System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
        {
            TryDelete(() => System.IO.Directory.Delete(Directory));
        }

        _published = true;
    }

    // A staging folder whose process is gone belongs to a run that was killed (e.g. SIGKILL) before it could clean up.
    private static void RemoveAbandonedStaging(string directory)
    {
        foreach (string staging in System.IO.Directory.GetDirectories(directory, StagingPrefix + "*"))
        {
            string name = Path.GetFileName(staging)[StagingPrefix.Length..];
            int dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !IsRunning(pid))
            {
                TryDelete(() => System.IO.Directory.Delete(staging, recursive: true));
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (IOException)
        {
            // Cleanup is best effort; the error that ended the run is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
