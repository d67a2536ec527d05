namespace Workflow.Host.Graph;

/// <summary>
/// The links of one graph, indexed once and shared by validation, planning, cache keys and the run loop: each node's
/// sources and consumers (each once, in id order; links to nodes outside the graph left out), the ancestors or
/// descendants of any nodes, and the strongly connected components, sources first, which give a topological order of
/// the nodes outside cycles. Time and memory are linear in the graph, so a 50,000-node cycle is found in a moment.
/// </summary>
public sealed class GraphIndex
{
    private readonly Dictionary<NodeId, NodeId[]> _sources;
    private readonly Dictionary<NodeId, NodeId[]> _consumers = [];

    private GraphIndex(IEnumerable<WorkflowNode> nodesInIdOrder, Func<NodeId, bool> contains)
    {
        _sources = nodesInIdOrder.ToDictionary(n => n.Id, n => DistinctIds.Of(n.Links.Select(l => l.From).Where(contains)).Order().ToArray());
        var consumers = new Dictionary<NodeId, List<NodeId>>();
        foreach (var (id, sources) in _sources)   // in id order, so each consumer list is too
            foreach (var source in sources)
                (consumers.TryGetValue(source, out var list) ? list : consumers[source] = []).Add(id);
        foreach (var (id, list) in consumers)
            _consumers[id] = [.. list];
        Components = StrongComponents.SourcesFirst(_sources.Keys.Order(), SourcesOf);
        TopologicalOrder = Components.SelectMany(c => c).ToArray();
    }

    public static GraphIndex Of(WorkflowGraph graph) => new(graph.Nodes.Values, graph.Contains);

    /// <summary>An index of some nodes alone (a subgraph an expansion adds): links leaving them are not followed.</summary>
    public static GraphIndex Of(IReadOnlyCollection<WorkflowNode> nodes)
    {
        var ids = nodes.Select(n => n.Id).ToHashSet();
        return new(nodes.OrderBy(n => n.Id), ids.Contains);
    }

    /// <summary>The nodes a node links to, each once, in id order.</summary>
    public IReadOnlyList<NodeId> SourcesOf(NodeId id) => _sources.TryGetValue(id, out var sources) ? sources : [];

    /// <summary>The nodes that link to a node, each once, in id order.</summary>
    public IReadOnlyList<NodeId> ConsumersOf(NodeId id) => _consumers.TryGetValue(id, out var consumers) ? consumers : [];

    /// <summary>Strongly connected components, each after every component it links to.</summary>
    public IReadOnlyList<IReadOnlyList<NodeId>> Components { get; }

    /// <summary>Every node after the nodes it links to, except within a cycle (whose members stand together).</summary>
    public IReadOnlyList<NodeId> TopologicalOrder { get; }

    /// <summary>A component of several nodes, or of one node linking to itself.</summary>
    public bool IsCycle(IReadOnlyList<NodeId> component) => component.Count > 1 || SourcesOf(component[0]).Contains(component[0]);

    /// <summary>The nodes some nodes depend on, themselves included.</summary>
    public HashSet<NodeId> Ancestors(IEnumerable<NodeId> from) => Reach(from, SourcesOf);

    /// <summary>The nodes that depend on some nodes, themselves included.</summary>
    public HashSet<NodeId> Descendants(IEnumerable<NodeId> from) => Reach(from, ConsumersOf);

    private HashSet<NodeId> Reach(IEnumerable<NodeId> from, Func<NodeId, IReadOnlyList<NodeId>> next)
    {
        var seen = new HashSet<NodeId>();
        var stack = new Stack<NodeId>(from.Where(_sources.ContainsKey));
        while (stack.TryPop(out var id))
            if (seen.Add(id))
                foreach (var neighbour in next(id))
                    stack.Push(neighbour);
        return seen;
    }
}
