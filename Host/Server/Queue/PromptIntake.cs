using System.Text.Json.Nodes;
using Workflow.Host.Engine;
using Workflow.Host.Graph;
using Workflow.Host.Server.Storage;
using Workflow.Host.Validation;

namespace Workflow.Host.Server.Queue;

/// <summary>What POST /prompt answers: 200 with the prompt's id and number, or 400 with ComfyUI's error and node_errors.</summary>
public sealed record IntakeResult(bool Accepted, JsonObject Body);

/// <summary>
/// POST /prompt: validates a prompt (as ComfyUI, outputs whose subgraph fails are dropped and the rest queued),
/// stores it, wakes the worker and broadcasts the new queue length.
/// </summary>
public sealed class PromptIntake(WorkflowEngine engine, IPromptStore store, QueueSignals signals, QueueStatus status)
{
    /// <summary>Keys of extra_data ComfyUI never stores (comfy.org credentials).</summary>
    private static readonly string[] SensitiveKeys = ["auth_token_comfy_org", "api_key_comfy_org"];

    public async Task<IntakeResult> SubmitAsync(JsonObject body, CancellationToken cancellation)
    {
        if (body["prompt"] is not JsonObject prompt)
            return Rejected(Api.ApiResults.PromptRejection("no_prompt", "No prompt provided", "No prompt provided"));
        var extraData = body["extra_data"] is JsonObject extra ? (JsonObject)extra.DeepClone() : new JsonObject();
        foreach (var key in SensitiveKeys)
            extraData.Remove(key);
        if (StringOf(body["client_id"]) is { } clientId)
            extraData["client_id"] = clientId;

        var parsed = WorkflowJson.FromJson(new JsonObject { ["prompt"] = prompt.DeepClone(), ["extra_data"] = extraData.DeepClone() });
        if (parsed.Graph is null)
            return Rejected(Api.ApiResults.PromptRejection("invalid_prompt", "Invalid prompt", parsed.Error ?? ""));
        var validation = engine.Validator.Validate(parsed.Graph, Targets(body["partial_execution_targets"]));
        if (!validation.CanRun)
            return Rejected(validation.ToJson());

        var promptId = StringOf(body["prompt_id"]) ?? Guid.NewGuid().ToString();
        var outputs = validation.Prompt!.Outputs.Select(o => o.Value).ToList();
        var number = await store.EnqueueAsync(new NewPrompt(promptId, prompt, extraData, outputs), NumberOf(body["number"]), IsTrue(body["front"]), cancellation);
        if (number is null)
            return Rejected(Api.ApiResults.PromptRejection("prompt_id_in_use", "Prompt id already used", $"prompt_id {promptId} is already queued or in the history"));
        signals.Wake();
        await status.BroadcastAsync(cancellation);
        return new IntakeResult(true, new JsonObject { ["prompt_id"] = promptId, ["number"] = number, ["node_errors"] = validation.ToJson()["node_errors"]!.DeepClone() });
    }

    private static IntakeResult Rejected(JsonObject body) => new(false, body);

    private static IReadOnlyCollection<NodeId>? Targets(JsonNode? node) =>
        node is JsonArray targets ? targets.Select(StringOf).OfType<string>().Select(t => new NodeId(t)).ToList() : null;

    private static string? StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    /// <summary>A finite number, else none (as for text): 1e400 reads as infinity, which the store could not write back as JSON.</summary>
    private static double? NumberOf(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && (v.TryGetValue<bool>(out var b) ? b : v.TryGetValue<double>(out var d) && d != 0);
}
