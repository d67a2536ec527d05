namespace Workflow.Host.Registry;

/// <summary>Node classes by name and alias. Passed to whatever needs to look nodes up; never a global.</summary>
public interface INodeRegistry
{
    bool TryGet(string classType, out NodeDefinition definition);

    /// <summary>Every definition once (aliases not repeated), in registration order.</summary>
    IReadOnlyList<NodeDefinition> All { get; }
}

public sealed class NodeRegistry : INodeRegistry
{
    private readonly Dictionary<string, NodeDefinition> _byName = new(StringComparer.Ordinal);
    private readonly List<NodeDefinition> _all = [];

    public IReadOnlyList<NodeDefinition> All => _all;

    public bool TryGet(string classType, out NodeDefinition definition) => _byName.TryGetValue(classType, out definition!);

    /// <summary>Adds a definition; returns the names (its own or aliases) already taken, in which case nothing is added.</summary>
    public IReadOnlyList<string> TryAdd(NodeDefinition definition)
    {
        var names = definition.Aliases.Prepend(definition.Name).ToList();
        var taken = names.Where(_byName.ContainsKey).ToList();
        if (taken.Count > 0)
            return taken;
        foreach (var name in names)
            _byName[name] = definition;
        _all.Add(definition);
        return [];
    }
}
