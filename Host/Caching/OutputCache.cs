namespace Workflow.Host.Caching;

/// <summary>
/// Node outputs by cache key, bounded in bytes (host and device apart), least recently used first out.
/// Whatever is dropped is released to the leases, which dispose values no running prompt still holds.
/// Thread-safe. Only whole successful outputs are ever added, so an interrupted or failed node leaves it as it was.
/// </summary>
public sealed class OutputCache(CacheBudget budget, ValueLeases leases)
{
    private readonly Dictionary<CacheKey, LinkedListNode<(CacheKey Key, NodeOutputs Outputs)>> _entries = [];
    private readonly LinkedList<(CacheKey Key, NodeOutputs Outputs)> _recency = new();   // most recent first
    private readonly Lock _lock = new();
    private MemoryFootprint _held;

    public CacheBudget Budget => budget;

    /// <summary>Finds an entry and, atomically, takes a lease on its values for the caller, who must release them.</summary>
    public bool TryAcquire(CacheKey key, out NodeOutputs outputs)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                outputs = null!;
                return false;
            }
            _recency.Remove(node);
            _recency.AddFirst(node);
            outputs = node.Value.Outputs;
            leases.Retain(outputs.AllValues);
        }
        return true;
    }

    public bool Contains(CacheKey key)
    {
        lock (_lock)
            return _entries.ContainsKey(key);
    }

    /// <summary>Marks an entry as just used, if present: a prompt's whole graph is recent, not only the nodes its run reached.</summary>
    public bool Touch(CacheKey key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
                return false;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return true;
        }
    }

    /// <summary>Adds (or replaces) an entry, then evicts least recently used entries until within budget.</summary>
    public void Add(CacheKey key, NodeOutputs outputs)
    {
        var evicted = new List<NodeOutputs>();
        lock (_lock)
        {
            leases.Retain(outputs.AllValues);
            if (_entries.Remove(key, out var old))
                Drop(old, evicted);
            _entries[key] = _recency.AddFirst((key, outputs));
            _held += outputs.Footprint;
            while (_recency.Last is { } oldest && OverBudget)
            {
                _entries.Remove(oldest.Value.Key);
                Drop(oldest, evicted);
            }
        }
        evicted.ForEach(e => leases.Release(e.AllValues));
    }

    /// <summary>Drops everything (ComfyUI's /free); values in use by a running prompt live until it ends.</summary>
    public void Clear()
    {
        List<NodeOutputs> all;
        lock (_lock)
        {
            all = _recency.Select(e => e.Outputs).ToList();
            _entries.Clear();
            _recency.Clear();
            _held = default;
        }
        all.ForEach(e => leases.Release(e.AllValues));
    }

    public CacheStatistics Statistics
    {
        get
        {
            lock (_lock)
                return new CacheStatistics(_entries.Count, _held.HostBytes, _held.DeviceBytes);
        }
    }

    private bool OverBudget => _held.HostBytes > budget.HostBytes || _held.DeviceBytes > budget.DeviceBytes;

    private void Drop(LinkedListNode<(CacheKey Key, NodeOutputs Outputs)> node, List<NodeOutputs> evicted)
    {
        _recency.Remove(node);
        _held -= node.Value.Outputs.Footprint;
        evicted.Add(node.Value.Outputs);
    }
}

public sealed record CacheStatistics(int Entries, long HostBytes, long DeviceBytes);
