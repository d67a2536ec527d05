using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>
/// Finds dependency cycles among the needed nodes (Tarjan's strongly connected components, iterative so a deep
/// graph cannot overflow the stack) and gives each node in a cycle ComfyUI's dependency_cycle error, with the
/// path "a (A) -> b (B) -> a (A)".
/// </summary>
internal static class CycleFinder
{
    public static IEnumerable<(NodeId Node, ValidationError Error)> Find(WorkflowGraph graph, IReadOnlySet<NodeId> nodes)
    {
        var successors = nodes.ToDictionary(id => id, id => graph[id].Links.Select(l => l.From).Where(nodes.Contains).Distinct().Order().ToArray());
        IReadOnlyList<NodeId> Successors(NodeId id) => successors[id];

        foreach (var component in StronglyConnected(nodes.Order(), Successors))
        {
            if (component.Count == 1 && !Successors(component[0]).Contains(component[0]))
                continue;
            var members = component.Order().ToList();
            var path = CyclePath(members, Successors);
            var text = string.Join(" -> ", path.Select(id => $"{id} ({graph[id].ClassType})"));
            foreach (var id in members)
                yield return (id, ValidationErrors.DependencyCycle(id, text, members));
        }
    }

    /// <summary>The shortest way from the first member back to itself, inside the component (breadth first).</summary>
    private static List<NodeId> CyclePath(List<NodeId> members, Func<NodeId, IReadOnlyList<NodeId>> successors)
    {
        var inside = members.ToHashSet();
        var start = members[0];
        var cameFrom = new Dictionary<NodeId, NodeId>();
        var queue = new Queue<NodeId>([start]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var next in successors(current).Where(inside.Contains))
            {
                if (next == start)
                    return Reconstruct(cameFrom, start, current);
                if (cameFrom.TryAdd(next, current))
                    queue.Enqueue(next);
            }
        }
        return [start, start];
    }

    private static List<NodeId> Reconstruct(Dictionary<NodeId, NodeId> cameFrom, NodeId start, NodeId last)
    {
        var path = new List<NodeId> { start };
        for (var node = last; node != start; node = cameFrom[node])
            path.Add(node);
        path.Add(start);
        path.Reverse(1, path.Count - 2);
        return path;
    }

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
