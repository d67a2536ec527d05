namespace Workflow.Host.Caching;

/// <summary>
/// Reference counts for values that own native memory. The cache holds a lease on each value it keeps and a
/// running prompt on each value it still needs; a value is disposed when its last lease goes. The same object
/// under two keys (a node passing its input through) is disposed once, after both are gone.
/// </summary>
public sealed class ValueLeases
{
    private readonly Dictionary<IDisposable, int> _counts = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    public void Retain(IEnumerable<object?> values)
    {
        lock (_lock)
            foreach (var disposable in values.OfType<IDisposable>())
                _counts[disposable] = _counts.GetValueOrDefault(disposable) + 1;
    }

    /// <summary>Drops one lease on each value, disposing (outside the lock) those left with none.</summary>
    public void Release(IEnumerable<object?> values)
    {
        List<IDisposable>? dead = null;
        lock (_lock)
        {
            foreach (var disposable in values.OfType<IDisposable>())
            {
                if (!_counts.TryGetValue(disposable, out var count))
                    continue;
                if (count > 1)
                    _counts[disposable] = count - 1;
                else
                {
                    _counts.Remove(disposable);
                    (dead ??= []).Add(disposable);
                }
            }
        }
        dead?.ForEach(d => d.Dispose());
    }

    /// <summary>Values alive under at least one lease (for tests and diagnostics).</summary>
    public int LiveCount
    {
        get
        {
            lock (_lock)
                return _counts.Count;
        }
    }
}
