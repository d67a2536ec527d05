namespace Workflow.Host.Graph;

/// <summary>Node ids each once, in their first order: a node's few sources, found without a set where a list is faster.</summary>
internal static class DistinctIds
{
    public static NodeId[] Of(IEnumerable<NodeId> ids)
    {
        var distinct = new List<NodeId>(4);
        HashSet<NodeId>? seen = null;   // only for a node with many links (a hostile one), where Contains would be quadratic
        foreach (var id in ids)
        {
            if (seen is null && distinct.Count > 16)
                seen = [.. distinct];
            if (seen?.Add(id) ?? !distinct.Contains(id))
                distinct.Add(id);
        }
        return [.. distinct];
    }
}
