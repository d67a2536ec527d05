using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflow.Host.Server.Queue;
using Workflow.Host.Server.Storage;

namespace Workflow.Host.Server.Api;

/// <summary>The queue and history: list, delete, clear; /interrupt and /free.</summary>
public static class QueueApi
{
    public static void MapQueueApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/queue", GetQueue);
        routes.MapPost("/queue", PostQueue);
        routes.MapGet("/history", GetHistory);
        routes.MapGet("/history/{promptId}", GetHistoryEntry);
        routes.MapPost("/history", PostHistory);
        routes.MapPost("/interrupt", PostInterrupt);
        routes.MapPost("/free", PostFree);
    }

    private static async Task<IResult> GetQueue(IPromptStore store, CancellationToken cancellation)
    {
        var queue = await store.QueueAsync(cancellation);
        return ApiResults.Json(new JsonObject
        {
            ["queue_running"] = new JsonArray(queue.Running.Select(p => (JsonNode)p.ToJson()).ToArray()),
            ["queue_pending"] = new JsonArray(queue.Pending.Select(p => (JsonNode)p.ToJson()).ToArray()),
        });
    }

    /// <summary><c>{"clear": true}</c> and/or <c>{"delete": [ids]}</c>; only pending prompts are removed, as in ComfyUI.</summary>
    private static async Task<IResult> PostQueue(HttpRequest request, IPromptStore store, QueueStatus status, CancellationToken cancellation)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellation) ?? new JsonObject();
        if (IsTrue(body["clear"]))
            await store.ClearPendingAsync(cancellation);
        if (Ids(body["delete"]) is { } ids)
            await store.DeletePendingAsync(ids, cancellation);
        await status.BroadcastAsync(cancellation);
        return ApiResults.Empty();
    }

    private static async Task<IResult> GetHistory(HttpRequest request, IPromptStore store, CancellationToken cancellation)
    {
        var maxItems = Count(request.Query["max_items"]);
        var offset = Count(request.Query["offset"]);
        var history = new JsonObject();
        foreach (var (promptId, entry) in await store.HistoryAsync(maxItems, offset, cancellation))
            history[promptId] = entry;
        return ApiResults.Json(history);
    }

    /// <summary><c>{}</c> while the prompt is unknown, queued or running: clients poll this until it is finished.</summary>
    private static async Task<IResult> GetHistoryEntry(string promptId, IPromptStore store, CancellationToken cancellation)
    {
        var history = new JsonObject();
        if (await store.HistoryEntryAsync(promptId, cancellation) is { } entry)
            history[promptId] = entry;
        return ApiResults.Json(history);
    }

    private static async Task<IResult> PostHistory(HttpRequest request, IPromptStore store, CancellationToken cancellation)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellation) ?? new JsonObject();
        if (IsTrue(body["clear"]))
            await store.ClearHistoryAsync(cancellation);
        if (Ids(body["delete"]) is { } ids)
            await store.DeleteHistoryAsync(ids, cancellation);
        return ApiResults.Empty();
    }

    /// <summary>An empty or unreadable body interrupts whatever runs (clients send none); <c>{"prompt_id"}</c> only that prompt.</summary>
    private static async Task<IResult> PostInterrupt(HttpRequest request, RunningPrompt running, CancellationToken cancellation)
    {
        JsonObject? body;
        try
        {
            body = await JsonBody.ReadObjectAsync(request, cancellation);
        }
        catch (BadBodyException)
        {
            body = null;
        }
        running.Interrupt(body?["prompt_id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null);
        return ApiResults.Empty();
    }

    /// <summary><c>{"unload_models": true}</c> or <c>{"free_memory": true}</c> drops the output cache (models live in it) between prompts.</summary>
    private static async Task<IResult> PostFree(HttpRequest request, QueueSignals signals, CancellationToken cancellation)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellation);
        if (body is not null && (IsTrue(body["unload_models"]) || IsTrue(body["free_memory"])))
            signals.RequestFree();
        return ApiResults.Empty();
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static IReadOnlyCollection<string>? Ids(JsonNode? node) => node is JsonArray ids
        ? ids.Select(i => i is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList()
        : null;

    private static int? Count(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Max(0, n) : null;
}
