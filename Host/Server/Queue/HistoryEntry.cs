using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Host.Server.Storage;

namespace Workflow.Host.Server.Queue;

/// <summary>How a run ended, as much as history keeps: the status and the UI outputs of the output nodes (cached ones included).</summary>
public sealed record RunOutcome(ExecutionStatus Status, IReadOnlyDictionary<string, JsonObject> Outputs);

/// <summary>ComfyUI's history entry for a finished prompt (execution.py: PromptQueue.task_done), see comfyui.md §4.1.</summary>
public static class HistoryEntry
{
    public static JsonObject Build(QueuedPrompt prompt, RunOutcome outcome, JsonArray messages)
    {
        var outputs = new JsonObject();
        var meta = new JsonObject();
        foreach (var (nodeId, ui) in outcome.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            outputs[nodeId] = ui.DeepClone();
            meta[nodeId] = new JsonObject { ["node_id"] = nodeId, ["display_node"] = nodeId, ["parent_node"] = null, ["real_node_id"] = nodeId };
        }
        var succeeded = outcome.Status == ExecutionStatus.Succeeded;
        return new JsonObject
        {
            ["prompt"] = prompt.ToJson(),
            ["outputs"] = outputs,
            ["status"] = new JsonObject { ["status_str"] = succeeded ? "success" : "error", ["completed"] = succeeded, ["messages"] = messages },
            ["meta"] = meta,
        };
    }
}
