using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Workflow.Host.Logging;

/// <summary>
/// One line per message, as the simple console formatter writes it ("warn: Category[EventId] message"), but an
/// exception shows as its type and message: the stack trace only with --verbose, so none reaches a user otherwise.
/// </summary>
internal sealed class TerseConsoleFormatter(IOptionsMonitor<TerseConsoleFormatter.Settings> settings) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "workflow-terse";

    public sealed class Settings : ConsoleFormatterOptions
    {
        public bool StackTraces { get; set; }
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
            return;
        textWriter.Write($"{Level(logEntry.LogLevel)}: {logEntry.Category}[{logEntry.EventId.Id}] {message}");
        if (logEntry.Exception is { } exception)
            textWriter.Write(settings.CurrentValue.StackTraces ? Environment.NewLine + exception : $" ({Describe(exception)}; --verbose shows the stack trace)");
        textWriter.WriteLine();
    }

    /// <summary>"IOException: disk full ← SocketException: reset", the inner causes after the outer one.</summary>
    private static string Describe(Exception exception)
    {
        var causes = new List<string>();
        for (Exception? e = exception; e is not null && causes.Count < 4; e = e.InnerException)
            causes.Add($"{e.GetType().Name}: {e.Message}");
        return string.Join(" ← ", causes);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}

/// <summary>Console logging for the CLI and the server: to standard error, one line each, stack traces only with --verbose.</summary>
public static class ConsoleLogging
{
    public static ILoggingBuilder AddTerseConsole(this ILoggingBuilder builder, bool stackTraces) => builder
        .AddConsole(o =>
        {
            o.FormatterName = TerseConsoleFormatter.FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        })
        .AddConsoleFormatter<TerseConsoleFormatter, TerseConsoleFormatter.Settings>(o => o.StackTraces = stackTraces);
}
