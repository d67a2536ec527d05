using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Plugins;

/// <summary>
/// Whether a plugin's Workflow.NodeSdk fits this host's. The SDK's minor versions only add members, so a plugin runs
/// on a host with the same major version and the same or a later minor one; another major version, or a newer minor
/// one (whose members this host may lack), is refused before any of the plugin's types are touched.
/// </summary>
public static class SdkCompatibility
{
    public static Version HostVersion { get; } = typeof(INode).Assembly.GetName().Version!;

    /// <summary>Why a plugin built against <paramref name="pluginSdk"/> cannot run here, or null when it can.</summary>
    public static string? Problem(Version pluginSdk, Version hostSdk)
    {
        if (pluginSdk.Major != hostSdk.Major)
            return $"it was built against Workflow.NodeSdk {Short(pluginSdk)}, and this host has {Short(hostSdk)}: "
                + $"rebuild it against Workflow.NodeSdk {hostSdk.Major}.x (a new major version of the SDK breaks plugins)";
        if (pluginSdk.Minor > hostSdk.Minor)
            return $"it was built against Workflow.NodeSdk {Short(pluginSdk)}, newer than this host's {Short(hostSdk)}: "
                + $"update the host, or build the plugin against Workflow.NodeSdk {Short(hostSdk)}";
        return null;
    }

    /// <summary>The SDK version an assembly was compiled against, or null when it does not reference the SDK.</summary>
    public static Version? ReferencedBy(Assembly assembly) =>
        assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == typeof(INode).Assembly.GetName().Name)?.Version;

    private static string Short(Version version) => $"{version.Major}.{version.Minor}.{Math.Max(0, version.Build)}";
}
