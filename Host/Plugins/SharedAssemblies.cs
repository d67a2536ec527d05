using System.Reflection;

namespace Workflow.Host.Plugins;

/// <summary>
/// Assemblies that define types crossing plugin borders. A plugin always gets the host's copy of these, so a
/// Latent made by one plugin is the same type in another, whatever copy a plugin folder carries.
/// </summary>
public static class SharedAssemblies
{
    private static readonly string[] Names = ["Workflow.NodeSdk", "Workflow.Torch", "Workflow.Imaging"];
    private static readonly string[] Prefixes = ["Microsoft.Extensions."];

    public static bool IsShared(AssemblyName name) =>
        name.Name is { } simple
        && (Names.Contains(simple, StringComparer.OrdinalIgnoreCase)
            || Prefixes.Any(p => simple.StartsWith(p, StringComparison.OrdinalIgnoreCase)));
}
