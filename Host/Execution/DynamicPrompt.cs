using Workflow.Host.Caching;
using Workflow.Host.Graph;
using Workflow.Host.Planning;
using Workflow.Host.Validation;

namespace Workflow.Host.Execution;

/// <summary>
/// The graph one run works on (ComfyUI's DynamicPrompt): the validated prompt, plus the nodes its expansions add
/// while it runs, each knowing the node that expanded into it. Errors and progress of an added node are shown under
/// its real node, the workflow node it came from.
/// </summary>
internal sealed class DynamicPrompt(RunPlan plan) : IExecutionGraph, INodeLookup
{
    private readonly Dictionary<NodeId, AddedNode> _added = [];

    public BoundNode this[NodeId id] => Added(id) is { } added ? added.Bound : plan.Prompt.Nodes[id];

    public WorkflowNode? Find(NodeId id) => Added(id) is { } added ? added.Written : plan.Prompt.Graph.Find(id);

    public CacheKey? KeyOf(NodeId id) => Added(id) is { } added ? added.Key : plan.Keys[id];

    /// <summary>How many nodes expansions have added so far.</summary>
    public int AddedCount => _added.Count;

    /// <summary>How deep in expansions a node sits: 0 for the workflow's own.</summary>
    public int DepthOf(NodeId id) => Added(id) is { } added ? added.Depth : 0;

    /// <summary>The workflow node a node came from, through every expansion (itself for the workflow's own).</summary>
    public NodeId RealIdOf(NodeId id) => Added(id) is { } added ? added.Real : id;

    public void Add(AddedNode node) => _added.Add(node.Written.Id, node);

    /// <summary>The added node of this id, if any; no lookup while nothing was added (most runs).</summary>
    private AddedNode? Added(NodeId id) => _added.Count > 0 ? _added.GetValueOrDefault(id) : null;

    public IReadOnlyList<NodeId> StrongSourcesOf(NodeId id) => this[id].StrongSources;

    public bool IsOutput(NodeId id) => this[id].Definition.IsOutputNode;
}

/// <summary>
/// A node an expansion added: as written, bound, its cache key, the workflow node the expansions began at, and how
/// deep in them it sits.
/// </summary>
internal sealed record AddedNode(WorkflowNode Written, BoundNode Bound, CacheKey? Key, NodeId Real, int Depth);
