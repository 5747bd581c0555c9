using System;
using System.IO;

namespace Dwf.Datasets;

/// <summary>
/// A dataset file exists but its content is not what the reader expects (bad magic number, wrong
/// dimensions, wrong length, labels out of range, checksum mismatch, ...).
/// </summary>
/// <remarks>
/// The message always has the form <c>"&lt;file&gt;: &lt;problem&gt;; &lt;fix&gt;"</c> so that a single line tells
/// the user which file is wrong, what is wrong with it and what to do about it. It derives from
/// <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), like
/// <see cref="DatasetUnavailableException"/>, so one handler can catch every data problem.
/// </remarks>
public sealed class DatasetFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a problem and a suggested fix.</summary>
    /// <param name="filePath">The offending file, as the caller named it.</param>
    /// <param name="problem">What is wrong, e.g. "expected 47040016 bytes for 60000 images of 28x28, found 1024 (file truncated?)".</param>
    /// <param name="fix">What the user can do, e.g. "re-download or pass --data-dir".</param>
    /// <param name="innerException">The low-level error that revealed the problem, if any.</param>
    public DatasetFormatException(string filePath, string problem, string fix, Exception? innerException = null)
        : base($"{filePath}: {problem}; {fix}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
        Fix = fix;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with the file (without the file name and the fix).</summary>
    public string Problem { get; }

    /// <summary>What the user can do about it.</summary>
    public string Fix { get; }
}
