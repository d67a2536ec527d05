using System.Text.Json.Nodes;
using Workflow.Host.Graph;

namespace Workflow.Host.Execution;

public enum ExecutionStatus
{
    Succeeded,
    Failed,
    Interrupted,
}

/// <summary>How a run ended: the UI outputs of its output nodes (cached ones included), what ran and what came from the cache.</summary>
public sealed record ExecutionResult(
    ExecutionStatus Status,
    IReadOnlyDictionary<NodeId, JsonObject> Outputs,
    IReadOnlyList<NodeId> Executed,
    IReadOnlyList<NodeId> Cached,
    ExecutionFailure? Failure);
