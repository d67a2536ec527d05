using Microsoft.Extensions.Logging;

namespace WorkflowPlugin1;

/// <summary>Log messages as message templates; the host shows them under the category "WorkflowPlugin1.{node name}".</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Repeating {Times} times")]
    public static partial void LogRepeat(this ILogger logger, int times);
}
