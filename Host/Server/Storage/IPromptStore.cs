using System.Text.Json.Nodes;

namespace Workflow.Host.Server.Storage;

/// <summary>
/// The durable queue and history. A prompt is pending until a worker claims it for a lease; the worker renews the
/// lease while it runs and completes it by writing its history entry and removing it from the queue in one
/// transaction. A claim whose lease ran out (its server died) is claimed again, and only the current holder can
/// complete, so each prompt finishes exactly once.
/// </summary>
public interface IPromptStore : IAsyncDisposable
{
    /// <summary>
    /// Queues a prompt; its number is <paramref name="number"/> or the next of the store's counter (negated for the
    /// front). Null, and nothing stored, when its id is already queued or in the history.
    /// </summary>
    Task<double?> EnqueueAsync(NewPrompt prompt, double? number, bool front, CancellationToken cancellation);

    /// <summary>Claims the next prompt for a lease, counting one more attempt at it (<see cref="QueuedPrompt.Attempts"/>).</summary>
    Task<QueuedPrompt?> ClaimAsync(string workerId, TimeSpan lease, CancellationToken cancellation);

    /// <summary>Extends a claim; false when the worker no longer holds it.</summary>
    Task<bool> RenewAsync(string promptId, string workerId, TimeSpan lease, CancellationToken cancellation);

    /// <summary>Hands a claimed prompt back to the queue unfinished (the server is stopping), giving back the attempt.</summary>
    Task ReleaseAsync(string promptId, string workerId, CancellationToken cancellation);

    /// <summary>Writes the history entry and dequeues the prompt; false (and nothing written) when the claim was lost.</summary>
    Task<bool> CompleteAsync(string promptId, string workerId, JsonObject historyEntry, CancellationToken cancellation);

    Task<QueueSnapshot> QueueAsync(CancellationToken cancellation);

    Task<int> RemainingAsync(CancellationToken cancellation);

    /// <summary>Removes pending prompts (a running one is interrupted instead).</summary>
    Task DeletePendingAsync(IReadOnlyCollection<string> promptIds, CancellationToken cancellation);

    Task ClearPendingAsync(CancellationToken cancellation);

    /// <summary>Entries in the order they finished; <paramref name="maxItems"/> without an offset gives the last ones.</summary>
    Task<IReadOnlyList<(string PromptId, JsonObject Entry)>> HistoryAsync(int? maxItems, int? offset, CancellationToken cancellation);

    Task<JsonObject?> HistoryEntryAsync(string promptId, CancellationToken cancellation);

    Task DeleteHistoryAsync(IReadOnlyCollection<string> promptIds, CancellationToken cancellation);

    Task ClearHistoryAsync(CancellationToken cancellation);
}

/// <summary>What POST /prompt accepted: the API-format prompt, extra_data (with client_id) and the outputs to run.</summary>
public sealed record NewPrompt(string PromptId, JsonObject Prompt, JsonObject ExtraData, IReadOnlyList<string> Outputs);

/// <summary>A prompt in the queue, as GET /queue lists it and a worker runs it.</summary>
public sealed record QueuedPrompt(string PromptId, double Number, JsonObject Prompt, JsonObject ExtraData, IReadOnlyList<string> Outputs, DateTimeOffset AcceptedAt)
{
    /// <summary>How many times it was claimed, this claim included, without finishing or being handed back: the runs a dying server cut off, plus one.</summary>
    public int Attempts { get; init; }

    public string? ClientId => ExtraData["client_id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;

    /// <summary>ComfyUI's queue item: <c>[number, prompt_id, prompt, extra_data, outputs_to_execute]</c>.</summary>
    public JsonArray ToJson() =>
        [Number, PromptId, Prompt.DeepClone(), ExtraData.DeepClone(), new JsonArray(Outputs.Select(o => (JsonNode)o).ToArray())];
}

public sealed record QueueSnapshot(IReadOnlyList<QueuedPrompt> Running, IReadOnlyList<QueuedPrompt> Pending);
