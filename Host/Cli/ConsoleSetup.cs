using Spectre.Console;

namespace Workflow.Host.Cli;

/// <summary>
/// On a terminal: colours and live progress. Redirected to a file or a pipe (CI, servers): plain text, no
/// escape codes, and no wrapping at 80 columns, so logs can be searched. The same for standard error
/// (<see cref="Error"/>), where commands that produce something else say why they refused.
/// </summary>
public static class ConsoleSetup
{
    private static readonly Lazy<IAnsiConsole> ErrorConsole = new(() => Create(Console.Error, Console.IsErrorRedirected));

    /// <summary>Standard error, written as standard output is.</summary>
    public static IAnsiConsole Error => ErrorConsole.Value;

    public static void Configure()
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Console = Create(Console.Out, redirected: true);
    }

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(redirected
            ? new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(writer),
            }
            : new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
            console.Profile.Width = 4096;
        return console;
    }
}
