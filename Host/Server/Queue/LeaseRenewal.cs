using Microsoft.Extensions.Logging;
using Workflow.Host.Server.Storage;

namespace Workflow.Host.Server.Queue;

/// <summary>
/// The heartbeat of a claim: renews the lease at a third of its length while the prompt runs, so only a server that
/// stopped beating (crashed, frozen, cut off) loses its prompt to another.
/// </summary>
public sealed partial class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LeaseRenewal(IPromptStore store, string promptId, string workerId, TimeSpan lease, ILogger logger) =>
        _loop = RenewAsync(store, promptId, workerId, lease, logger, _stop.Token);

    public static LeaseRenewal Start(IPromptStore store, string promptId, string workerId, TimeSpan lease, ILogger logger) =>
        new(store, promptId, workerId, lease, logger);

    private static async Task RenewAsync(IPromptStore store, string promptId, string workerId, TimeSpan lease, ILogger logger, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    if (!await store.RenewAsync(promptId, workerId, lease, stop))
                        LogLost(logger, promptId);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, promptId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Lost the claim on prompt {PromptId}: another server may run it again")]
    private static partial void LogLost(ILogger logger, string promptId);

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning, Message = "Could not renew the claim on prompt {PromptId}")]
    private static partial void LogFailed(ILogger logger, string promptId, Exception ex);
}
