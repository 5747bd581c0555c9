using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Dwf.Datasets;
using Dwf.Numerics;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Mnist.Running;
using Dwf.Training;
using Spectre.Console;

namespace Dwf.Samples.Mnist;

/// <summary>Entry point: parses the options, runs the sample, and turns every failure into one line on stderr and an exit code.</summary>
internal static class Program
{
    private const string TraceVariable = "DWF_SAMPLE_TRACE";

    private const int RedirectedWidth = 240;

    private static int Main(string[] args)
    {
        var (raw, exitCode) = new SampleCommand().Parse(args, Console.Out, Console.Error);
        if (raw is null)
        {
            return exitCode;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => e.Cancel = StopGracefully(cancellation);
        using var termination = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = StopGracefully(cancellation));

        try
        {
            var options = OptionValidation.Resolve(raw);
            TorchSharp.torch.set_num_threads(SampleDefaults.TorchThreads);
            var console = AnsiConsole.Console;
            if (Console.IsOutputRedirected)
            {
                // A log file has no width: keep each line whole instead of wrapping at Spectre's default of 80 columns.
                console.Profile.Width = RedirectedWidth;
            }

            SampleRun.Execute(options, console, cancellation.Token);
            return ExitCodes.Success;
        }
        catch (InvalidOptionException error)
        {
            return Fail(error.Message + " (see --help)", ExitCodes.InvalidUsage);
        }
        catch (OperationCanceledException)
        {
            return Fail("interrupted; the checkpoint in the output folder keeps the progress: run the same command with --resume to continue", ExitCodes.Interrupted);
        }
        catch (Exception error) when (error is DatasetUnavailableException or DatasetFormatException or TrainingDivergedException or InvalidDataException or NativeNumericsException)
        {
            return Fail(error.Message, ExitCodes.Failure);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot write the results: {error.Message}", ExitCodes.Failure);
        }
        catch (Exception error)
        {
            if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
            {
                Console.Error.WriteLine(error);
            }

            return Fail($"unexpected {error.GetType().Name}: {error.Message} (set {TraceVariable}=1 for the stack trace)", ExitCodes.Failure);
        }
    }

    // First Ctrl+C or SIGTERM: finish the current batch, write a checkpoint, stop (true keeps the process alive for that).
    // A second one ends the process at once.
    private static bool StopGracefully(CancellationTokenSource cancellation)
    {
        if (cancellation.IsCancellationRequested)
        {
            return false;
        }

        cancellation.Cancel();
        return true;
    }

    private static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine("error: " + SampleCommand.OneLine(message));
        return exitCode;
    }
}
