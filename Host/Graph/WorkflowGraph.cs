using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflow.Host.Graph;

/// <summary>An input as written in the workflow: a literal, a link to another node's output, or a malformed link.</summary>
public abstract record InputValue;

/// <summary>A literal widget value, not yet checked against the node's schema.</summary>
public sealed record LiteralInput(JsonElement Value) : InputValue;

/// <summary>
/// <c>["&lt;source id&gt;", &lt;output index&gt;]</c>. A subgraph's link to the input one call of its expanding node
/// received also names that call's <paramref name="Element"/> of the output (a workflow's links never do).
/// </summary>
public sealed record LinkInput(NodeId From, int Output, int? Element = null) : InputValue;

/// <summary>An array that is not a valid link (wrong length or element types); validation reports it.</summary>
public sealed record MalformedLink(JsonElement Value) : InputValue;

/// <summary>One node as written: its class (absent in a corrupt file) and its inputs by name.</summary>
public sealed record WorkflowNode(NodeId Id, string? ClassType, ImmutableSortedDictionary<string, InputValue> Inputs, string? Title)
{
    public IReadOnlyList<LinkInput> Links { get; } = Inputs.Values.OfType<LinkInput>().ToArray();
}

/// <summary>Nodes as written, by id: a workflow's, or a running prompt's with the nodes its expansions added.</summary>
public interface INodeLookup
{
    WorkflowNode? Find(NodeId id);
}

/// <summary>A workflow in ComfyUI's API format, immutable, plus the metadata that travels with it.</summary>
public sealed record WorkflowGraph(ImmutableSortedDictionary<NodeId, WorkflowNode> Nodes, JsonObject Source, JsonObject? ExtraPngInfo) : INodeLookup
{
    public WorkflowNode this[NodeId id] => Nodes[id];

    public bool Contains(NodeId id) => Nodes.ContainsKey(id);

    public WorkflowNode? Find(NodeId id) => Nodes.GetValueOrDefault(id);
}
