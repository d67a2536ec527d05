using System.Text.Json.Nodes;
using Workflow.Host.Execution;

namespace Workflow.Host.Server.Messages;

/// <summary>The executor's events as ComfyUI's WebSocket messages (comfyui.md §4.2), field for field.</summary>
public static class ComfyMessages
{
    /// <summary>The types ComfyUI keeps in a history entry's status.messages (execution.py: add_message).</summary>
    public static readonly IReadOnlySet<string> Recorded = new HashSet<string>
    {
        "execution_start", "execution_cached", "execution_success", "execution_error", "execution_interrupted",
    };

    /// <summary>The types ComfyUI sends to every socket when the prompt has no client_id (the rest then go nowhere).</summary>
    public static readonly IReadOnlySet<string> BroadcastWithoutClient = new HashSet<string> { "progress", "execution_interrupted" };

    public static ServerMessage Status(int queueRemaining, string? sid = null)
    {
        var data = new JsonObject { ["status"] = new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = queueRemaining } } };
        if (sid is not null)
            data["sid"] = sid;
        return new ServerMessage("status", data);
    }

    /// <summary>After the history is written and the final status sent: <c>executing</c> with a null node.</summary>
    public static ServerMessage Finished(string promptId) =>
        new("executing", new JsonObject { ["node"] = null, ["display_node"] = null, ["prompt_id"] = promptId });

    /// <summary>Sent on reconnect to the client whose prompt is running: the node it is at (no prompt_id, as ComfyUI).</summary>
    public static ServerMessage ExecutingNode(string nodeId) => new("executing", new JsonObject { ["node"] = nodeId });

    public static ServerMessage FeatureFlags(long maxUploadBytes) =>
        new("feature_flags", new JsonObject { ["supports_preview_metadata"] = false, ["max_upload_size"] = maxUploadBytes });

    public static ServerMessage? From(ExecutionEvent e, long timestampMs) => e switch
    {
        ExecutionStarted s => Stamped("execution_start", new JsonObject { ["prompt_id"] = s.PromptId }, timestampMs),
        NodesCached c => Stamped("execution_cached", new JsonObject { ["nodes"] = Strings(c.Nodes), ["prompt_id"] = c.PromptId }, timestampMs),
        NodeExecuting n => new("executing", new JsonObject { ["node"] = n.NodeId, ["display_node"] = n.DisplayNodeId, ["prompt_id"] = n.PromptId }),
        NodeProgress p => new("progress", new JsonObject { ["value"] = p.Value, ["max"] = p.Max, ["prompt_id"] = p.PromptId, ["node"] = p.NodeId }),
        NodeExecuted x => new("executed", new JsonObject
        {
            ["node"] = x.NodeId, ["display_node"] = x.DisplayNodeId, ["output"] = x.Output?.DeepClone(), ["prompt_id"] = x.PromptId,
        }),
        ExecutionSucceeded s => Stamped("execution_success", new JsonObject { ["prompt_id"] = s.PromptId }, timestampMs),
        ExecutionFailed f => Stamped("execution_error", ErrorData(f.PromptId, f.Failure), timestampMs),
        ExecutionInterrupted i => Stamped("execution_interrupted", new JsonObject
        {
            ["prompt_id"] = i.PromptId, ["node_id"] = i.NodeId, ["node_type"] = i.ClassType, ["executed"] = Strings(i.Executed),
        }, timestampMs),
        _ => null,
    };

    /// <summary>A prompt that no longer validates where it is run (a node missing on this server): an execution_error without a node.</summary>
    public static ServerMessage Rejected(string promptId, string message, long timestampMs, string exceptionType = "invalid_prompt") => Stamped("execution_error", new JsonObject
    {
        ["prompt_id"] = promptId, ["node_id"] = null, ["node_type"] = null, ["executed"] = new JsonArray(),
        ["exception_message"] = message, ["exception_type"] = exceptionType, ["traceback"] = new JsonArray(),
        ["current_inputs"] = new JsonObject(), ["current_outputs"] = new JsonArray(),
    }, timestampMs);

    private static JsonObject ErrorData(string promptId, ExecutionFailure failure)
    {
        var inputs = new JsonObject();
        foreach (var (name, value) in failure.CurrentInputs)
            inputs[name] = new JsonArray(value);
        return new JsonObject
        {
            ["prompt_id"] = promptId, ["node_id"] = failure.NodeId, ["node_type"] = failure.ClassType, ["executed"] = Strings(failure.Executed),
            ["exception_message"] = failure.ExceptionMessage, ["exception_type"] = failure.ExceptionType,
            ["traceback"] = Strings(failure.Traceback), ["current_inputs"] = inputs, ["current_outputs"] = Strings(failure.Executed),
        };
    }

    private static ServerMessage Stamped(string type, JsonObject data, long timestampMs)
    {
        data["timestamp"] = timestampMs;
        return new ServerMessage(type, data);
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
