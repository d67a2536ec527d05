using Workflow.Host.Graph;

namespace Workflow.Host.Validation;

/// <summary>
/// For each needed node, the outputs that depend on it (ComfyUI's dependent_outputs): at most <see cref="MaxListed"/>,
/// lowest ids first. Found in one pass over the components, consumers first, each handing its list on to the
/// components it links to: time and memory O(links × MaxListed). Listing every dependent output of every node would
/// be quadratic (a chain of n failing nodes, each one saved, lists n²/2 outputs: a 1 MB file, gigabytes of errors).
/// </summary>
internal sealed class DependentOutputs
{
    public const int MaxListed = 20;

    private readonly Dictionary<NodeId, int> _componentOf = [];
    private readonly NodeId[][] _lists;

    public DependentOutputs(GraphIndex index, IReadOnlyCollection<NodeId> outputs)
    {
        var sourcesFirst = index.Components;
        for (int i = 0; i < sourcesFirst.Count; i++)
            foreach (var member in sourcesFirst[i])
                _componentOf[member] = i;
        _lists = new NodeId[sourcesFirst.Count][];
        var isOutput = outputs.ToHashSet();
        for (int i = sourcesFirst.Count - 1; i >= 0; i--)
        {
            var list = _lists[i] = Merge(_lists[i] ?? [], sourcesFirst[i].Where(isOutput.Contains).Order().ToArray());
            if (list.Length == 0)
                continue;
            foreach (var source in sourcesFirst[i].SelectMany(index.SourcesOf))
                if (_componentOf[source] is var j && j != i)
                    _lists[j] = Merge(_lists[j] ?? [], list);
        }
    }

    /// <summary>The outputs that need this node (itself among them when it is one); none for a node no output needs.</summary>
    public IReadOnlyList<NodeId> Of(NodeId node) => _componentOf.TryGetValue(node, out var i) ? _lists[i] : [];

    /// <summary>Two ascending lists as one, without repeats, cut to <see cref="MaxListed"/>.</summary>
    private static NodeId[] Merge(NodeId[] a, NodeId[] b)
    {
        if (b.Length == 0)
            return a;
        var merged = new List<NodeId>(Math.Min(a.Length + b.Length, MaxListed));
        int x = 0, y = 0;
        while (merged.Count < MaxListed && (x < a.Length || y < b.Length))
        {
            var order = x == a.Length ? 1 : y == b.Length ? -1 : a[x].CompareTo(b[y]);
            merged.Add(order <= 0 ? a[x] : b[y]);
            if (order <= 0) x++;
            if (order >= 0) y++;
        }
        return merged.ToArray();
    }
}
