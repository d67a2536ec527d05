using Spectre.Console;
using Workflow.Host.Graph;

namespace Workflow.Host.Cli;

/// <summary>
/// Text from a workflow or a node as the terminal may show it: Spectre's markup escaped (a node id "[red]" would
/// otherwise be read as a style, or "[bold" end the program), and control characters made visible (a terminal acts
/// on escape sequences). Every user string printed through markup goes through here.
/// </summary>
public static class TerminalText
{
    public static string Escape(object? value) => Markup.Escape(Echo.Visible(value?.ToString() ?? ""));
}
