using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>
/// A node is valid when neither it nor anything it depends on has errors of its own: the invalid nodes are
/// everything downstream of a node with errors, found breadth first along consumer edges.
/// </summary>
internal sealed class ValidityOracle
{
    private readonly HashSet<NodeId> _invalid = [];

    public ValidityOracle(WorkflowGraph graph, IReadOnlyDictionary<NodeId, List<ValidationError>> ownErrors)
    {
        var consumers = graph.Nodes.Values
            .SelectMany(n => n.Links.Select(l => (Source: l.From, Consumer: n.Id)))
            .ToLookup(e => e.Source, e => e.Consumer);
        var queue = new Queue<NodeId>(ownErrors.Keys);
        while (queue.TryDequeue(out var id))
            if (_invalid.Add(id))
                foreach (var consumer in consumers[id])
                    queue.Enqueue(consumer);
    }

    public bool IsValid(NodeId id) => !_invalid.Contains(id);
}
