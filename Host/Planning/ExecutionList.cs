using Workflow.Host.Graph;
using Workflow.Host.Validation;

namespace Workflow.Host.Planning;

/// <summary>
/// Which nodes must run and in what order (Kahn's algorithm with pending-dependency counts). Walking back from
/// the outputs, a node whose output is already available (cached) is satisfied and its ancestors are not needed.
/// Among ready nodes, output nodes come first, then lower ids, so runs and their events are reproducible.
/// </summary>
public sealed class ExecutionList
{
    private readonly ValidatedPrompt _prompt;
    private readonly Dictionary<NodeId, int> _pendingDependencies = [];
    private readonly Dictionary<NodeId, List<NodeId>> _consumers = [];
    private readonly PriorityQueue<NodeId, (int OutputFirst, NodeId Id)> _ready = new();

    public ExecutionList(ValidatedPrompt prompt, Func<NodeId, bool> isSatisfied)
    {
        _prompt = prompt;
        var satisfied = new List<NodeId>();
        var stack = new Stack<NodeId>(prompt.Outputs);
        var seen = new HashSet<NodeId>();
        while (stack.TryPop(out var id))
        {
            if (!seen.Add(id))
                continue;
            if (isSatisfied(id))
            {
                satisfied.Add(id);
                continue;
            }
            var sources = prompt.Nodes[id].Links.Select(l => l.From).Distinct().ToList();
            _pendingDependencies[id] = sources.Count;
            foreach (var source in sources)
            {
                (_consumers.TryGetValue(source, out var list) ? list : _consumers[source] = []).Add(id);
                stack.Push(source);
            }
        }
        Satisfied = satisfied.Order().ToList();
        foreach (var consumer in Satisfied.SelectMany(ConsumersOf))
            _pendingDependencies[consumer]--;
        foreach (var (id, pending) in _pendingDependencies)
            if (pending == 0)
                Enqueue(id);
    }

    /// <summary>Needed nodes whose outputs were available before anything ran.</summary>
    public IReadOnlyList<NodeId> Satisfied { get; }

    /// <summary>How many nodes will run.</summary>
    public int ToRunCount => _pendingDependencies.Count;

    /// <summary>Nodes of this run that consume the output of <paramref name="source"/>.</summary>
    public IReadOnlyList<NodeId> ConsumersOf(NodeId source) => _consumers.TryGetValue(source, out var list) ? list : [];

    public bool TryNext(out NodeId next) => _ready.TryDequeue(out next, out _);

    /// <summary>Marks a node done, making ready the consumers that were waiting only for it.</summary>
    public void Complete(NodeId id)
    {
        foreach (var consumer in ConsumersOf(id))
            if (--_pendingDependencies[consumer] == 0)
                Enqueue(consumer);
    }

    private void Enqueue(NodeId id) => _ready.Enqueue(id, (_prompt.Nodes[id].Definition.IsOutputNode ? 0 : 1, id));
}
