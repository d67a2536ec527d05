using System.Globalization;

namespace Workflow.NodeSdk;

/// <summary>
/// Builds the subgraph of an <see cref="Expansion"/> in ComfyUI's API terms (class_type, wire names of inputs), as
/// ComfyUI's GraphBuilder does. Ids are local ("1", "2", ... unless given); the host prefixes them with the expanding
/// node's id and call, ComfyUI's "&lt;parent&gt;.&lt;call&gt;.&lt;graph&gt;." (node 12's first call gives "12.0.0.1"),
/// so they are the same on every run. A graph may hold at most <see cref="InputLimits.MaxExpandedNodes"/> nodes.
/// </summary>
public sealed class GraphBuilder(NodeContext context)
{
    private readonly List<GraphNode> _nodes = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Adds a node of class <paramref name="classType"/>; set its inputs with <see cref="GraphNode.Input"/>.</summary>
    public GraphNode Node(string classType, string? id = null)
    {
        var limit = context.Limits.MaxExpandedNodes;
        if (_nodes.Count >= limit)
            throw new InvalidOperationException(
                $"The subgraph would have more than {limit.ToString("N0", CultureInfo.InvariantCulture)} nodes, the most one prompt may add by expansion.");
        id ??= (_nodes.Count + 1).ToString(CultureInfo.InvariantCulture);
        if (!_ids.Add(id))
            throw new ArgumentException($"The subgraph already has a node '{id}'.", nameof(id));
        var node = new GraphNode(this, id, classType);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Whatever feeds the expanding node's own input <paramref name="name"/> (a link or a widget value).</summary>
    public GraphInput ParentInput(string name) => new(name);
}

/// <summary>One node of a <see cref="GraphBuilder"/>'s subgraph.</summary>
public sealed class GraphNode
{
    private readonly Dictionary<string, object?> _inputs = new(StringComparer.Ordinal);

    internal GraphNode(GraphBuilder graph, string id, string classType) => (Graph, Id, ClassType) = (graph, id, classType);

    public GraphBuilder Graph { get; }

    public string Id { get; }

    public string ClassType { get; }

    /// <summary>Inputs by wire name: a <see cref="GraphValue"/>, or a literal (text, number, boolean, enum member).</summary>
    public IReadOnlyDictionary<string, object?> Inputs => _inputs;

    /// <summary>Sets input <paramref name="name"/> (its wire name) to a literal or a <see cref="GraphValue"/>.</summary>
    public GraphNode Input(string name, object? value)
    {
        _inputs[name] = value;
        return this;
    }

    /// <summary>Output <paramref name="index"/> of this node, to link to another node's input or return as a result.</summary>
    public GraphOutput Output(int index) => new(this, index);
}

/// <summary>A value a subgraph links to: an output of one of its nodes, or an input of the expanding node.</summary>
public abstract record GraphValue;

/// <summary>Output <paramref name="Index"/> of a subgraph node.</summary>
public sealed record GraphOutput(GraphNode Node, int Index) : GraphValue;

/// <summary>The expanding node's input <paramref name="Name"/>, as written in the workflow: a link or a widget value.</summary>
public sealed record GraphInput(string Name) : GraphValue;
