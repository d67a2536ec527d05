using System.Text.Json.Nodes;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>What the executor reports while it runs a prompt; the CLI draws them, the server translates them to ComfyUI's messages.</summary>
public abstract record ExecutionEvent(string PromptId);

public sealed record ExecutionStarted(string PromptId) : ExecutionEvent(PromptId);

/// <summary>Needed nodes whose outputs came from the cache; they will not run.</summary>
public sealed record NodesCached(string PromptId, IReadOnlyList<string> Nodes) : ExecutionEvent(PromptId);

/// <summary>A node starts; one an expansion added shows as <paramref name="DisplayNodeId"/>, the workflow node that expanded into it.</summary>
public sealed record NodeExecuting(string PromptId, string NodeId, string ClassType) : ExecutionEvent(PromptId)
{
    public string DisplayNodeId { get; init; } = NodeId;
}

public sealed record NodeProgress(string PromptId, string NodeId, long Value, long Max, PreviewImage? Preview) : ExecutionEvent(PromptId);

/// <summary>An output node's UI result, also sent for output nodes satisfied from the cache (<paramref name="FromCache"/>).</summary>
public sealed record NodeExecuted(string PromptId, string NodeId, string ClassType, JsonObject? Output, bool FromCache) : ExecutionEvent(PromptId)
{
    public string DisplayNodeId { get; init; } = NodeId;
}

public sealed record ExecutionSucceeded(string PromptId) : ExecutionEvent(PromptId);

public sealed record ExecutionFailed(string PromptId, ExecutionFailure Failure) : ExecutionEvent(PromptId);

public sealed record ExecutionInterrupted(string PromptId, string? NodeId, string? ClassType, IReadOnlyList<string> Executed) : ExecutionEvent(PromptId);

/// <summary>Why a node failed, with what ComfyUI's execution_error carries.</summary>
public sealed record ExecutionFailure(
    string NodeId,
    string ClassType,
    string ExceptionMessage,
    string ExceptionType,
    IReadOnlyList<string> Traceback,
    IReadOnlyDictionary<string, string> CurrentInputs,
    IReadOnlyList<string> Executed);
