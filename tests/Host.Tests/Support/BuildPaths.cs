using System.Reflection;

namespace Workflow.Host.Tests.Support;

/// <summary>Folders the test build wrote (stamped into this assembly by the .csproj).</summary>
public static class BuildPaths
{
    public static string TestPlugins => Metadata("TestPluginsDir");

    /// <summary>The folder of plugin folders holding SlowNodes (TestSleep and friends), shared with the server tests.</summary>
    public static string SlowNodePlugins => Metadata("SlowNodesDir");

    /// <summary>Where the build packs Workflow.NodeSdk and the dotnet new templates.</summary>
    public static string Packages => Metadata("PackagesDir");

    public static string HostDirectory => Metadata("HostDir");

    public static string HostPlugins => Path.Combine(HostDirectory, "plugins");

    private static string Metadata(string key) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
