using System.Collections;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// A Python tuple (torch.Size reads as one). Immutable: its hash (null when an item is unhashable) and its nesting
/// depth among tuples and frozensets are fixed when it is made, so comparing two never recurses deeper than that.
/// </summary>
public sealed class PickleTuple : IReadOnlyList<object?>
{
    private readonly object?[] _items;

    internal PickleTuple(object?[] items)
    {
        _items = items;
        Depth = 1 + items.Select(PickleValues.NestingDepth).DefaultIfEmpty(0).Max();
        Hash = CombinedHash(items);
    }

    public static PickleTuple Empty { get; } = new([]);

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    /// <summary>Python's hash(tuple), or null when an item is unhashable (a list, dict or set).</summary>
    internal int? Hash { get; }

    /// <summary>How deeply tuples and frozensets nest inside this one (1 for a flat tuple).</summary>
    internal int Depth { get; }

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"tuple of {Count}";

    private static int? CombinedHash(object?[] items)
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            if (PickleEquality.Hash(item) is not int itemHash)
                return null;
            hash.Add(itemHash);
        }
        return hash.ToHashCode();
    }
}
