using System.Reflection;
using System.Runtime.Loader;

namespace Workflow.Host.Plugins;

/// <summary>
/// One plugin's assembly world. Shared assemblies come from the host, other plugins from their own contexts,
/// and everything else from the plugin's folder through its .deps.json — so two plugins can each have their
/// own version of the same library in one process.
/// </summary>
internal sealed class PluginLoadContext(string mainAssemblyPath, Func<AssemblyName, Assembly?> loadedPlugins)
    : AssemblyLoadContext(Path.GetFileNameWithoutExtension(mainAssemblyPath), isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (SharedAssemblies.IsShared(assemblyName))
            return null;   // falls back to the default context: the host's copy
        if (loadedPlugins(assemblyName) is { } plugin)
            return plugin;
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
