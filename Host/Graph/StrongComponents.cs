namespace Workflow.Host.Graph;

/// <summary>
/// Tarjan's strongly connected components, iterative (a deep chain must not overflow the stack), in time and memory
/// linear in the graph. Components come sources first: each after every component its members link to.
/// </summary>
internal static class StrongComponents
{
    public static IReadOnlyList<IReadOnlyList<NodeId>> SourcesFirst(IEnumerable<NodeId> nodes, Func<NodeId, IReadOnlyList<NodeId>> successors)
    {
        var index = new Dictionary<NodeId, int>();
        var low = new Dictionary<NodeId, int>();
        var onStack = new HashSet<NodeId>();
        var stack = new Stack<NodeId>();
        var components = new List<IReadOnlyList<NodeId>>();
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
