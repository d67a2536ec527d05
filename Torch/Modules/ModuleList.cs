using System.Collections;
using System.Globalization;

namespace Workflow.Torch.Modules;

/// <summary>Child modules keyed by position (torch.nn.ModuleList): <c>down_blocks.0</c>, <c>down_blocks.1</c>, ...</summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = [];

    public ModuleList(params IEnumerable<T> modules)
    {
        foreach (var module in modules)
            Add(module);
    }

    public T this[int index] => _items[index];

    public int Count => _items.Count;

    /// <summary>Appends <paramref name="module"/> under the next index; returns it.</summary>
    public T Add(T module)
    {
        Register(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return module;
    }

    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
