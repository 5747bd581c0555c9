namespace Dwf.Samples.Mnist.Cli;

/// <summary>Process exit codes of the sample.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Training, data or output failed (the message says what); nothing half-written was left behind.</summary>
    public const int Failure = 1;

    /// <summary>The command line could not be parsed or an option value is invalid.</summary>
    public const int InvalidUsage = 2;

    /// <summary>Interrupted with Ctrl+C; a checkpoint was written so that <c>--resume</c> continues.</summary>
    public const int Interrupted = 130;
}
