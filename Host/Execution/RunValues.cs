using Workflow.Host.Caching;
using Workflow.Host.Graph;

namespace Workflow.Host.Execution;

/// <summary>
/// The outputs one run holds, by node: taken from the cache or just made, each under a lease of the run. A node added
/// to the run holds the outputs it may read (lazy inputs included, since it may ask for them) until it has run; an
/// output no node holds any more is let go, and the leases dispose it unless the cache keeps it. One that is needed
/// again later (a lazy input asked for late) comes back from the cache, or its node runs again.
/// </summary>
internal sealed class RunValues(ValueLeases leases)
{
    private readonly Dictionary<NodeId, NodeOutputs> _values = [];
    private readonly Dictionary<NodeId, int> _holds = [];   // source → how many holds nodes still to run have on it

    public bool TryGet(NodeId id, out NodeOutputs outputs) => _values.TryGetValue(id, out outputs!);

    public NodeOutputs this[NodeId id] => _values[id];

    /// <summary>Keeps outputs the caller holds one lease on, which the run now owns.</summary>
    public void Put(NodeId id, NodeOutputs outputs) => _values[id] = outputs;

    /// <summary>A node still to run may read these outputs.</summary>
    public void Hold(IReadOnlyList<NodeId> sources)
    {
        foreach (var source in sources)
            _holds[source] = _holds.GetValueOrDefault(source) + 1;
    }

    /// <summary>A node has run: what it held and no other node holds is let go.</summary>
    public void Release(IReadOnlyList<NodeId> sources)
    {
        foreach (var source in sources)
            if (--_holds[source] == 0)
                LetGoIfUnheld(source);
    }

    /// <summary>Lets go of a node's outputs when no node still to run holds them (an output node's, say, once shown).</summary>
    public void LetGoIfUnheld(NodeId id)
    {
        if (_holds.GetValueOrDefault(id) == 0 && _values.Remove(id, out var outputs))
            leases.Release(outputs.AllValues);
    }

    public void LetGoAll()
    {
        foreach (var outputs in _values.Values)
            leases.Release(outputs.AllValues);
        _values.Clear();
    }
}
