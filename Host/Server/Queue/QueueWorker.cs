using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflow.Host.Engine;
using Workflow.Host.Execution;
using Workflow.Host.Graph;
using Workflow.Host.Server.Messages;
using Workflow.Host.Server.Sockets;
using Workflow.Host.Server.Storage;
using Workflow.Host.Caching;

namespace Workflow.Host.Server.Queue;

/// <summary>
/// Runs queued prompts one at a time through this server's engine, whose output cache lives on between prompts.
/// Each claimed prompt ends with its history written and its queue row removed in one step, then the status
/// broadcast, then <c>executing {node: null}</c>, in ComfyUI's order. A prompt cut short by shutdown goes back to
/// the queue unfinished; one the store says was started more than <see cref="ServerOptions.MaxAttempts"/> times
/// (the server died each time) is failed instead of run, and one past the time limit is interrupted and failed.
/// </summary>
public sealed partial class QueueWorker(
    IPromptStore store, WorkflowEngine engine, ClientHub hub, QueueStatus status, QueueSignals signals,
    RunningPrompt running, ServerOptions options, WorkerIdentity identity, ILogger<QueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (signals.TakeFreeRequest())
                    FreeCache();
                if (await store.ClaimAsync(identity.Id, options.LeaseDuration, stopping) is { } prompt)
                    await RunAsync(prompt, stopping);
                else
                    await signals.WaitAsync(options.PollInterval, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is unreachable or failed: keep the server up and try again; queued work stays queued.
                LogWorkerFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunAsync(QueuedPrompt prompt, CancellationToken stopping)
    {
        try
        {
            await status.BroadcastAsync(stopping);
            await HoldFirstEvent(prompt, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await store.ReleaseAsync(prompt.PromptId, identity.Id, CancellationToken.None);   // a stop is no failed attempt
            throw;
        }
        var reporter = new PromptReporter(prompt.ClientId, hub, TimeProvider.System);
        var outcome = prompt.Attempts > options.MaxAttempts ? GiveUp(prompt, reporter) : await RunWithLeaseAsync(prompt, reporter, stopping);
        if (outcome is null)
        {
            await store.ReleaseAsync(prompt.PromptId, identity.Id, CancellationToken.None);
            return;
        }
        var entry = HistoryEntry.Build(prompt, outcome, reporter.RecordedJson());
        if (!await store.CompleteAsync(prompt.PromptId, identity.Id, entry, CancellationToken.None))
            LogClaimLost(prompt.PromptId);
        await status.BroadcastAsync(CancellationToken.None);
        if (prompt.ClientId is { } clientId)
            hub.Send(clientId, ComfyMessages.Finished(prompt.PromptId));
        LogFinished(prompt.PromptId, outcome.Status);
    }

    /// <summary>Runs the prompt under its lease, its interrupt and the time limit; null when cut short by shutdown (it goes back to the queue).</summary>
    private async Task<RunOutcome?> RunWithLeaseAsync(QueuedPrompt prompt, PromptReporter reporter, CancellationToken stopping)
    {
        await using var lease = LeaseRenewal.Start(store, prompt.PromptId, identity.Id, options.LeaseDuration, logger);
        using var interrupt = running.Begin(prompt.PromptId, reporter, stopping);
        using var timeLimit = new CancellationTokenSource(options.PromptTimeLimit ?? Timeout.InfiniteTimeSpan);
        using var onTimeLimit = timeLimit.Token.Register(interrupt.Cancel);
        RunOutcome outcome;
        try
        {
            outcome = await Task.Run(() => ExecuteAsync(prompt, reporter, interrupt.Token), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The engine itself failed (a node's failure is a result, not an exception): the prompt ends with
            // that error in its history rather than being claimed and failing again forever.
            LogPromptCrashed(prompt.PromptId, ex);
            reporter.Report(ComfyMessages.Rejected(prompt.PromptId, ex.Message, Now(), ex.GetType().Name));
            outcome = new RunOutcome(ExecutionStatus.Failed, new Dictionary<string, JsonObject>());
        }
        finally
        {
            running.End();
        }
        if (outcome.Status != ExecutionStatus.Interrupted)
            return outcome;
        if (stopping.IsCancellationRequested)
            return null;
        if (!timeLimit.IsCancellationRequested)
            return outcome;
        LogTimedOut(prompt.PromptId, options.PromptTimeLimit!.Value.TotalSeconds);
        reporter.Report(ComfyMessages.Rejected(prompt.PromptId,
            $"Prompt {prompt.PromptId} ran past the server's time limit of {options.PromptTimeLimit.Value.TotalSeconds:0.###} s and was interrupted (--prompt-time-limit)",
            Now(), "PromptTimeLimitExceeded"));
        return outcome with { Status = ExecutionStatus.Failed };
    }

    /// <summary>
    /// A prompt whose earlier runs all ended with the server dying (it may be what kills it) is failed, not run: its
    /// history says so, and the prompts behind it get their turn.
    /// </summary>
    private RunOutcome GiveUp(QueuedPrompt prompt, PromptReporter reporter)
    {
        int attempted = prompt.Attempts - 1;
        LogGaveUp(prompt.PromptId, attempted);
        reporter.Report(ComfyMessages.From(new ExecutionStarted(prompt.PromptId), Now())!);
        reporter.Report(ComfyMessages.Rejected(prompt.PromptId,
            $"Prompt {prompt.PromptId} was attempted {attempted} times and the server died each time before it finished; "
            + $"it is not run again (--max-attempts {options.MaxAttempts})", Now(), "PromptAttemptsExhausted"));
        return new RunOutcome(ExecutionStatus.Failed, new Dictionary<string, JsonObject>());
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Validated again where it runs (this server's nodes), then run with the interrupt token.</summary>
    private async Task<RunOutcome> ExecuteAsync(QueuedPrompt prompt, PromptReporter reporter, CancellationToken interrupt)
    {
        var parsed = WorkflowJson.FromJson(new JsonObject { ["prompt"] = prompt.Prompt.DeepClone(), ["extra_data"] = prompt.ExtraData.DeepClone() });
        var validation = parsed.Graph is null ? null : engine.Validator.Validate(parsed.Graph, prompt.Outputs.Select(o => new NodeId(o)).ToList());
        if (validation is not { CanRun: true })
        {
            reporter.Report(ComfyMessages.From(new ExecutionStarted(prompt.PromptId), Now())!);
            reporter.Report(ComfyMessages.Rejected(prompt.PromptId, parsed.Error ?? validation!.ToJson().ToJsonString(), Now()));
            return new RunOutcome(ExecutionStatus.Failed, new Dictionary<string, JsonObject>());
        }
        var result = await engine.RunAsync(new RunRequest(validation.Prompt!, prompt.PromptId, reporter.OnEvent), interrupt);
        return new RunOutcome(result.Status, result.Outputs.ToDictionary(o => o.Key.Value, o => o.Value));
    }

    private async Task HoldFirstEvent(QueuedPrompt prompt, CancellationToken stopping)
    {
        var wait = prompt.AcceptedAt + options.FirstEventDelay - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, stopping);
    }

    /// <summary>/free between prompts: the cache lets go of its values, then the process gives the memory back.</summary>
    private void FreeCache()
    {
        var before = engine.Cache.Statistics;
        engine.Cache.Clear();
        var rss = SystemMemory.ReturnFreed();
        LogFreed(before.Entries, before.HostBytes >> 20, rss.Before >> 20, rss.After >> 20);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Prompt {PromptId} finished: {Status}")]
    private partial void LogFinished(string promptId, ExecutionStatus status);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Prompt {PromptId} failed outside its nodes; recorded as failed")]
    private partial void LogPromptCrashed(string promptId, Exception ex);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Prompt {PromptId} was claimed again elsewhere while it ran here; its result here is dropped")]
    private partial void LogClaimLost(string promptId);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "The queue worker failed; retrying")]
    private partial void LogWorkerFailed(Exception ex);

    [LoggerMessage(EventId = 504, Level = LogLevel.Error, Message = "Prompt {PromptId} was attempted {Attempts} times and the server died each time; recorded as failed")]
    private partial void LogGaveUp(string promptId, int attempts);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "Prompt {PromptId} ran past the time limit of {Seconds} s; interrupted and recorded as failed")]
    private partial void LogTimedOut(string promptId, double seconds);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information, Message = "Freed the output cache ({Entries} entries, {Megabytes} MiB) and the models in it; resident memory {BeforeMb} MiB -> {AfterMb} MiB")]
    private partial void LogFreed(int entries, long megabytes, long beforeMb, long afterMb);
}
