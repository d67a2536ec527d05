using System.Collections;

namespace Workflow.Torch.Serialization.Pickle;

/// <summary>
/// A Python dict or collections.OrderedDict (both keep insertion order): keys compare as Python's do. A state dict
/// written by module.state_dict() is an OrderedDict whose <see cref="Attributes"/> hold its <c>_metadata</c>.
/// </summary>
public sealed class PickleDict : IReadOnlyCollection<KeyValuePair<object?, object?>>
{
    private readonly OrderedDictionary<PickleKey, object?> _items = [];

    internal PickleDict(bool isOrderedDict) => IsOrderedDict = isOrderedDict;

    /// <summary>True for collections.OrderedDict, false for a plain dict.</summary>
    public bool IsOrderedDict { get; }

    /// <summary>The instance attributes an OrderedDict was pickled with (BUILD), or null.</summary>
    public PickleDict? Attributes { get; internal set; }

    public int Count => _items.Count;

    public IEnumerable<object?> Keys => _items.Keys.Select(k => k.Value);

    public bool TryGetValue(object? key, out object? value)
    {
        value = null;
        return PickleEquality.Hash(key) is not null && _items.TryGetValue(new PickleKey(key), out value);
    }

    /// <summary>Python's d[key] = value: a new key goes last, an existing one keeps its place.</summary>
    internal void Set(object? key, object? value) => _items[new PickleKey(key)] = value;

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() =>
        _items.Select(p => new KeyValuePair<object?, object?>(p.Key.Value, p.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{(IsOrderedDict ? "OrderedDict" : "dict")} of {Count}";
}
