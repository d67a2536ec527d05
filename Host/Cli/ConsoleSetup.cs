using Spectre.Console;

namespace Workflow.Host.Cli;

/// <summary>
/// On a terminal: colours and live progress. Redirected to a file or a pipe (CI, servers): plain text, no
/// escape codes, and no wrapping at 80 columns, so logs can be searched.
/// </summary>
public static class ConsoleSetup
{
    public static void Configure()
    {
        if (!Console.IsOutputRedirected)
            return;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        AnsiConsole.Console.Profile.Width = 4096;
    }
}
