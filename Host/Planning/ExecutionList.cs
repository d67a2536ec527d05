using Workflow.Host.Graph;

namespace Workflow.Host.Planning;

/// <summary>What the execution list needs to know of the graph it schedules.</summary>
public interface IExecutionGraph
{
    /// <summary>The nodes a node reads through its links that are not lazy, each once.</summary>
    IReadOnlyList<NodeId> StrongSourcesOf(NodeId id);

    bool IsOutput(NodeId id);
}

/// <summary>
/// The nodes still to run and what each waits for (ComfyUI's ExecutionList, comfy_execution/graph.py): a node is added
/// with the sources it reads through links that are not lazy, except those whose outputs are available (in the run or
/// in the cache); a node is ready when nothing it waits for is pending. The list grows while running: a lazy input
/// asked for or an expansion adds links and nodes, and the node that asked goes back (unstaged) until they are done.
/// The next node is picked as ComfyUI's ux_friendly_pick_node does: outputs first, then a node one link before an
/// output, then two, so previews appear early; ties go to the lower id, so runs and their events are reproducible.
/// </summary>
public sealed class ExecutionList(IExecutionGraph graph, Func<NodeId, bool> isAvailable, Action<NodeId> onAdded)
{
    private readonly Dictionary<NodeId, int> _blockCount = [];            // pending node → pending nodes it waits for
    private readonly Dictionary<NodeId, List<NodeId>> _blocking = [];      // pending node → pending nodes waiting for it
    private readonly HashSet<(NodeId From, NodeId To)> _waits = [];       // each (source, waiting node) pair once
    private readonly PriorityQueue<NodeId, (int Distance, NodeId Id)> _ready = new();
    private NodeId? _staged;

    public bool IsEmpty => _blockCount.Count == 0;

    public bool IsPending(NodeId id) => _blockCount.ContainsKey(id);

    /// <summary>Adds a node (unless pending or available) and, walking back, the sources it cannot run without.</summary>
    public void AddNode(NodeId root)
    {
        if (IsPending(root) || isAvailable(root))
            return;
        var added = new List<NodeId>();
        var links = new List<(NodeId From, NodeId To)>();
        var stack = new Stack<NodeId>([root]);
        while (stack.TryPop(out var id))
        {
            if (IsPending(id))
                continue;
            _blockCount[id] = 0;
            added.Add(id);
            onAdded(id);
            foreach (var source in graph.StrongSourcesOf(id))
            {
                if (!IsPending(source) && isAvailable(source))
                    continue;
                links.Add((source, id));
                stack.Push(source);
            }
        }
        foreach (var (from, to) in links)
            Block(from, to);
        foreach (var id in added.Where(id => _blockCount[id] == 0))
            Enqueue(id);
    }

    /// <summary>Makes a pending node wait for <paramref name="from"/>, adding it unless it is available (ComfyUI's add_strong_link).</summary>
    public void AddStrongLink(NodeId from, NodeId to)
    {
        if (!IsPending(from) && isAvailable(from))
            return;
        AddNode(from);
        if (Block(from, to) && _blockCount[from] == 0)
            Enqueue(from);   // it now leads to another node, which may make it a better pick
    }

    /// <summary>Takes the next ready node; false when none is (the list is empty, or what is left waits in a cycle).</summary>
    public bool TryStage(out NodeId id)
    {
        while (_ready.TryDequeue(out id, out _))
        {
            if (_blockCount.TryGetValue(id, out var blocks) && blocks == 0)   // else a stale entry: done, or waiting again
            {
                _staged = id;
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the staged node has come to wait for something (it asked for inputs that must run first).</summary>
    public bool IsStagedBlocked => _blockCount[Staged] > 0;

    /// <summary>The staged node ran: nodes waiting only for it become ready.</summary>
    public void Complete()
    {
        var id = Staged;
        if (_blocking.Remove(id, out var waiting))
        {
            foreach (var next in waiting)
            {
                _waits.Remove((id, next));
                if (--_blockCount[next] == 0)
                    Enqueue(next);
            }
        }
        _blockCount.Remove(id);
        _staged = null;
    }

    /// <summary>The staged node needs more first (ComfyUI's unstage_node_execution): it stays pending, and runs again when ready.</summary>
    public void Unstage()
    {
        var id = Staged;
        _staged = null;
        if (_blockCount[id] == 0)
            Enqueue(id);
    }

    /// <summary>The pending nodes, lowest ids first, for reporting a list that can go no further.</summary>
    public IEnumerable<NodeId> Pending => _blockCount.Keys.Order();

    private NodeId Staged => _staged ?? throw new InvalidOperationException("No node is staged.");

    /// <summary>Makes <paramref name="to"/> wait for <paramref name="from"/>, unless it already does (one input strong, another lazy).</summary>
    private bool Block(NodeId from, NodeId to)
    {
        if (!_waits.Add((from, to)))
            return false;
        (_blocking.TryGetValue(from, out var waiting) ? waiting : _blocking[from] = []).Add(to);
        _blockCount[to]++;
        return true;
    }

    private void Enqueue(NodeId id) => _ready.Enqueue(id, (DistanceToOutput(id), id));

    /// <summary>0 for an output, 1 for a node an output waits for, 2 for one two links before an output, else 3.</summary>
    private int DistanceToOutput(NodeId id)
    {
        if (graph.IsOutput(id))
            return 0;
        if (!_blocking.TryGetValue(id, out var waiting))
            return 3;
        foreach (var next in waiting)
            if (graph.IsOutput(next))
                return 1;
        foreach (var next in waiting)
            if (_blocking.TryGetValue(next, out var after))
                foreach (var afterNext in after)
                    if (graph.IsOutput(afterNext))
                        return 2;
        return 3;
    }
}
