using Workflow.Host.Graph;
using Workflow.Host.Validation;

namespace Workflow.Host.Planning;

/// <summary>All nodes of a validated (hence acyclic) prompt, each after the nodes it links to; ties broken by id.</summary>
internal static class TopologicalOrder
{
    public static List<NodeId> Of(ValidatedPrompt prompt)
    {
        var order = new List<NodeId>(prompt.Nodes.Count);
        var done = new HashSet<NodeId>();
        foreach (var id in prompt.Nodes.Keys.Order())
            Visit(prompt, id, done, order);
        return order;
    }

    private static void Visit(ValidatedPrompt prompt, NodeId root, HashSet<NodeId> done, List<NodeId> order)
    {
        // Iterative post-order: deep chains (thousands of nodes) must not overflow the stack.
        var stack = new Stack<(NodeId Id, bool Expanded)>();
        stack.Push((root, false));
        while (stack.TryPop(out var item))
        {
            if (done.Contains(item.Id))
                continue;
            if (item.Expanded)
            {
                done.Add(item.Id);
                order.Add(item.Id);
                continue;
            }
            stack.Push((item.Id, true));
            var links = prompt.Nodes[item.Id].Links;
            for (int i = links.Count - 1; i >= 0; i--)
                if (!done.Contains(links[i].From))
                    stack.Push((links[i].From, false));
        }
    }
}
