using System.Collections;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>A Python set or frozenset. A frozenset is immutable and hashable; its hash is fixed when it is made.</summary>
public sealed class PickleSet : IReadOnlyCollection<object?>
{
    private readonly HashSet<PickleKey> _items = [];

    internal PickleSet(bool isFrozen, IEnumerable<object?> items)
    {
        foreach (var item in items)
            _items.Add(new PickleKey(item));
        IsFrozen = isFrozen;
        if (!isFrozen)
            return;
        FrozenHash = _items.Aggregate(0x3e5f, (hash, key) => hash ^ key.GetHashCode());
        Depth = 1 + _items.Select(k => PickleValues.NestingDepth(k.Value)).DefaultIfEmpty(0).Max();
    }

    public bool IsFrozen { get; }

    public int Count => _items.Count;

    internal int FrozenHash { get; }

    /// <summary>How deeply tuples and frozensets nest inside this frozenset.</summary>
    internal int Depth { get; }

    internal void Add(object? item)
    {
        if (IsFrozen)
            throw new PickleError("items added to a frozenset");
        _items.Add(new PickleKey(item));
    }

    internal bool SetEquals(PickleSet other) => _items.SetEquals(other._items);

    public IEnumerator<object?> GetEnumerator() => _items.Select(k => k.Value).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{(IsFrozen ? "frozenset" : "set")} of {Count}";
}
