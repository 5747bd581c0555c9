using System;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>Thrown for an option value the sample cannot run with; the message is one line naming the option and the fix.</summary>
internal sealed class InvalidOptionException : Exception
{
    public InvalidOptionException(string message)
        : base(message)
    {
    }
}
