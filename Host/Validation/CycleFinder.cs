using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>
/// Dependency cycles among the needed nodes, from their strongly connected components. Each cycle is reported once,
/// as ComfyUI's dependency_cycle error on its lowest node id (ComfyUI blames the first node of a cycle), with the
/// path "a (A) -> b (B) -> a (A)" and its members, both cut to <see cref="MaxListed"/> nodes: a 50,000-node cycle
/// gives one error of a few kilobytes, saying how many nodes were left out, found in time linear in the graph.
/// </summary>
internal static class CycleFinder
{
    /// <summary>Most cycle members named in one error (ComfyUI echoes lists of up to 20 as well).</summary>
    public const int MaxListed = 20;

    /// <summary>The cycles among <paramref name="needed"/> (a cycle's members depend on each other, so one needed member means all are).</summary>
    public static IEnumerable<ErrorOnNode> Find(WorkflowGraph graph, GraphIndex index, IReadOnlySet<NodeId> needed)
    {
        foreach (var component in index.Components.Where(c => index.IsCycle(c) && needed.Contains(c[0])))
        {
            var members = component.Order().ToList();
            var path = CyclePath(members, index.SourcesOf);
            yield return new(members[0], ValidationErrors.DependencyCycle(members[0], Describe(graph, path), members.Take(MaxListed).ToList(), members.Count));
        }
    }

    /// <summary>"a (A) -> b (B) -> a (A)", with the middle of a long path left out.</summary>
    private static string Describe(WorkflowGraph graph, List<NodeId> path)
    {
        string Step(NodeId id) => $"{Echo.Text(id.Value)} ({Echo.Text(graph[id].ClassType ?? "")})";
        if (path.Count <= MaxListed + 1)
            return string.Join(" -> ", path.Select(Step));
        var leftOut = path.Count - MaxListed;
        return string.Join(" -> ", path.Take(MaxListed - 1).Select(Step)) + $" -> … {Echo.Count(leftOut)} more … -> {Step(path[^1])}";
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
}
