using System;
using System.IO;

namespace Dwf.Datasets;

/// <summary>
/// Writes files so that readers only ever see a complete file or none: the data goes to a uniquely
/// named temporary file in the destination directory, is flushed to disk, and is then renamed over
/// the destination (a rename within one directory is atomic on POSIX file systems and NTFS).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, replacing it atomically.</summary>
    public static void Copy(string source, string destination)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(destination))
            ?? throw new ArgumentException($"'{destination}' has no directory.", nameof(destination));
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
