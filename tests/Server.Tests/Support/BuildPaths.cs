using System.Reflection;

namespace Workflow.Server.Tests.Support;

/// <summary>Folders the test build wrote (stamped into this assembly by the .csproj).</summary>
public static class BuildPaths
{
    public static string HostDirectory => Metadata("HostDir");

    /// <summary>The plugin folders a server under test loads: the host's own (Nodes.Core among them) and the slow test nodes.</summary>
    public static IReadOnlyList<string> PluginDirectories => [Path.Combine(HostDirectory, "plugins"), ServerTestPlugins];

    /// <summary>The slow test nodes' plugin folder (a served process finds the host's own plugins beside it).</summary>
    public static string ServerTestPlugins => Metadata("ServerTestPluginsDir");

    public static string Artifacts => Metadata("ArtifactsDir");

    private static string Metadata(string key) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
