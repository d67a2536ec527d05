namespace Workflow.Host.Plugins;

/// <summary>What loading the plugins did: what loaded with which nodes, and what failed and why.</summary>
public sealed record PluginReport(IReadOnlyList<LoadedPlugin> Loaded, IReadOnlyList<PluginFailure> Failures);

public sealed record LoadedPlugin(string Name, string Folder, string AssemblyVersion, IReadOnlyList<string> Nodes, System.Reflection.Assembly Assembly);

/// <summary>A plugin, or one node of it, that could not be loaded. <paramref name="Node"/> is null when the whole plugin failed.</summary>
public sealed record PluginFailure(string Plugin, string? Node, string Reason)
{
    public override string ToString() => Node is null ? $"plugin {Plugin}: {Reason}" : $"plugin {Plugin}, node {Node}: {Reason}";
}
