namespace Workflow.Host.Plugins;

/// <summary>What loading the plugins did: what loaded with which nodes, what failed and why, and what else is worth a warning (a plugin folder that does not exist).</summary>
public sealed record PluginReport(IReadOnlyList<LoadedPlugin> Loaded, IReadOnlyList<PluginFailure> Failures, IReadOnlyList<string> Warnings);

public sealed record LoadedPlugin(string Name, string Folder, string AssemblyVersion, IReadOnlyList<string> Nodes, System.Reflection.Assembly Assembly);

/// <summary>A plugin, or one node of it, that could not be loaded. <paramref name="Node"/> is null when the whole plugin failed.</summary>
public sealed record PluginFailure(string Plugin, string? Node, string Reason)
{
    public override string ToString() => Node is null
        ? $"plugin {Plugin} was not loaded: {Reason}"
        : $"node {Node} of plugin {Plugin} was not registered (the plugin's other nodes were): {Reason}";
}
