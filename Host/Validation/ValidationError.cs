using System.Text.Json.Nodes;
using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>ComfyUI's error object: <c>{"type", "message", "details", "extra_info"}</c>.</summary>
public sealed record ValidationError(string Type, string Message, string Details, JsonObject ExtraInfo)
{
    public JsonObject ToJson() => new()
    {
        ["type"] = Type,
        ["message"] = Message,
        ["details"] = Details,
        ["extra_info"] = ExtraInfo.DeepClone(),
    };
}

/// <summary>One error and the node it is reported on.</summary>
public sealed record ErrorOnNode(NodeId Node, ValidationError Error);

/// <summary>One entry of ComfyUI's node_errors: a node's own errors and the outputs that depend on it.</summary>
public sealed record NodeErrors(string ClassType, IReadOnlyList<ValidationError> Errors, IReadOnlyList<string> DependentOutputs)
{
    public JsonObject ToJson() => new()
    {
        ["errors"] = new JsonArray(Errors.Select(e => (JsonNode)e.ToJson()).ToArray()),
        ["dependent_outputs"] = new JsonArray(DependentOutputs.Select(o => (JsonNode)JsonValue.Create(o)).ToArray()),
        ["class_type"] = ClassType,
    };
}
