using System;
using Dwf.Training;
using Spectre.Console;

namespace Dwf.Samples.Mnist.Progress;

/// <summary>Chooses the live display on an interactive terminal and plain epoch lines otherwise.</summary>
internal static class ProgressDisplay
{
    /// <summary>True when the console can redraw progress bars in place (a terminal, not a file or pipe).</summary>
    public static bool IsInteractive(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi && !Console.IsOutputRedirected;

    /// <summary>Runs <paramref name="train"/> with an observer that shows its progress on <paramref name="console"/>.</summary>
    public static T Run<T>(IAnsiConsole console, int epochs, Func<ITrainingObserver, T> train)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(train);
        if (!IsInteractive(console))
        {
            return train(new PlainProgressObserver(line => console.WriteLine(line)));
        }

        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => train(new LiveProgressObserver(console, context, epochs)));
    }
}
