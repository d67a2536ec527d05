using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>
/// The strongly connected components of the needed nodes along their links, found once per validation by Tarjan's
/// algorithm (iterative, so a deep graph cannot overflow the stack) in time and memory linear in the graph. A
/// component of several nodes, or of one node linking to itself, is a cycle. Components come sources first: each
/// after every component it links to, so walking them backwards visits consumers before their sources.
/// </summary>
internal sealed class DependencyComponents
{
    private readonly Dictionary<NodeId, NodeId[]> _sources;

    public DependencyComponents(WorkflowGraph graph, IReadOnlySet<NodeId> nodes)
    {
        _sources = nodes.ToDictionary(id => id, id => graph[id].Links.Select(l => l.From).Where(nodes.Contains).Distinct().Order().ToArray());
        SourcesFirst = StronglyConnected(nodes.Order(), SourcesOf);
    }

    public IReadOnlyList<List<NodeId>> SourcesFirst { get; }

    /// <summary>The needed nodes a node links to, each once, in id order.</summary>
    public IReadOnlyList<NodeId> SourcesOf(NodeId id) => _sources[id];

    public bool IsCycle(List<NodeId> component) => component.Count > 1 || SourcesOf(component[0]).Contains(component[0]);

    private static List<List<NodeId>> StronglyConnected(IEnumerable<NodeId> nodes, Func<NodeId, IReadOnlyList<NodeId>> successors)
    {
        var index = new Dictionary<NodeId, int>();
        var low = new Dictionary<NodeId, int>();
        var onStack = new HashSet<NodeId>();
        var stack = new Stack<NodeId>();
        var components = new List<List<NodeId>>();
        var work = new Stack<(NodeId Node, int NextEdge)>();
        foreach (var root in nodes)
        {
            if (index.ContainsKey(root))
                continue;
            work.Push((root, 0));
            while (work.TryPop(out var frame))
            {
                var (node, edge) = frame;
                if (edge == 0)
                {
                    index[node] = low[node] = index.Count;
                    stack.Push(node);
                    onStack.Add(node);
                }
                var next = successors(node);
                if (edge < next.Count)
                {
                    work.Push((node, edge + 1));
                    var target = next[edge];
                    if (!index.ContainsKey(target))
                        work.Push((target, 0));
                    else if (onStack.Contains(target))
                        low[node] = Math.Min(low[node], index[target]);
                    continue;
                }
                if (low[node] == index[node])
                    components.Add(PopComponent(stack, onStack, node));
                if (work.TryPeek(out var parent))
                    low[parent.Node] = Math.Min(low[parent.Node], low[node]);
            }
        }
        return components;
    }

    private static List<NodeId> PopComponent(Stack<NodeId> stack, HashSet<NodeId> onStack, NodeId root)
    {
        var component = new List<NodeId>();
        NodeId member;
        do
        {
            member = stack.Pop();
            onStack.Remove(member);
            component.Add(member);
        } while (member != root);
        return component;
    }
}
