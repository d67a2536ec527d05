using Spectre.Console;
using Workflow.Host.Graph;

namespace Workflow.Host.Cli;

/// <summary>
/// Text from a workflow or a node as the terminal may show it: Spectre's markup escaped (a node id "[red]" would
/// otherwise be read as a style, or "[bold" end the program), control characters made visible (a terminal acts on
/// escape sequences), and cut to <see cref="Echo.MaxMessageLength"/> (a 100 KB node id is not printed whole).
/// Every user string printed through markup goes through here.
/// </summary>
public static class TerminalText
{
    public static string Escape(object? value) => Markup.Escape(Echo.Text(value?.ToString() ?? "", Echo.MaxMessageLength));
}
