using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflow.Host.Server.Queue;

namespace Workflow.Host.Server.Sockets;

/// <summary>
/// Broadcasts <c>status</c> periodically: clients with an idle watchdog reconnect after ~10 s of silence, which a long
/// node would otherwise cause; on a shared queue it also shows prompts other servers took or finished.
/// </summary>
public sealed partial class StatusTicker(QueueStatus status, ServerOptions options, ILogger<StatusTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.StatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await status.BroadcastAsync(stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 530, Level = LogLevel.Warning, Message = "Could not read the queue length for the periodic status")]
    private partial void LogFailed(Exception ex);
}
