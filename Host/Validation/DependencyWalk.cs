using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>Walks links backwards: the nodes some set of nodes depends on, themselves included.</summary>
internal static class DependencyWalk
{
    public static HashSet<NodeId> Ancestors(WorkflowGraph graph, IEnumerable<NodeId> from)
    {
        var seen = new HashSet<NodeId>();
        var stack = new Stack<NodeId>(from);
        while (stack.TryPop(out var id))
        {
            if (!graph.Contains(id) || !seen.Add(id))
                continue;
            foreach (var link in graph[id].Links)
                stack.Push(link.From);
        }
        return seen;
    }
}
