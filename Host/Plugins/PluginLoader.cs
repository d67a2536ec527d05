using System.Reflection;
using Microsoft.Extensions.Logging;
using Workflow.Host.Registry;

namespace Workflow.Host.Plugins;

/// <summary>
/// Finds plugin folders, loads each in its own context and registers its nodes. A plugin that fails to load,
/// or a node whose schema is wrong, is reported with its name and reason; the rest keep loading.
/// A plugin referenced by another resolves to the loaded instance, loaded first if need be.
/// </summary>
public sealed partial class PluginLoader(NodeRegistry registry, ILogger<PluginLoader> logger)
{
    private readonly Dictionary<string, string> _mainAssemblyByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<LoadedPlugin> _reportLoaded = [];
    private readonly List<PluginFailure> _failures = [];

    /// <summary>What has been loaded so far, and what failed.</summary>
    public PluginReport Report => new(_reportLoaded.ToList(), _failures.ToList());

    public void LoadAll(PluginOptions options)
    {
        foreach (var folder in options.Directories.Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories).Order(StringComparer.Ordinal))
            Discover(folder);
        foreach (var name in _mainAssemblyByName.Keys.ToList())
            if (LoadPlugin(name) is { } assembly)
                RegisterNodes(name, assembly);
    }

    /// <summary>Registers the nodes of an assembly that is already loaded (the host's own, or a test's).</summary>
    public void RegisterAssembly(Assembly assembly) => RegisterNodes(assembly.GetName().Name!, assembly);

    private void Discover(string folder)
    {
        var name = Path.GetFileName(folder);
        var main = Path.Combine(folder, name + ".dll");
        if (!File.Exists(main))
        {
            var deps = Directory.GetFiles(folder, "*.deps.json");
            if (deps.Length != 1)
            {
                Fail(name, null, $"folder {folder} holds no {name}.dll and no single .deps.json naming the plugin assembly");
                return;
            }
            main = Path.Combine(folder, Path.GetFileName(deps[0])[..^".deps.json".Length] + ".dll");
        }
        var assemblyName = Path.GetFileNameWithoutExtension(main);
        if (!_mainAssemblyByName.TryAdd(assemblyName, main))
            Fail(assemblyName, null, $"a plugin of the same name is already at {_mainAssemblyByName[assemblyName]}; {main} skipped");
    }

    private Assembly? LoadPlugin(string name)
    {
        if (_loaded.TryGetValue(name, out var loaded))
            return loaded;
        var path = _mainAssemblyByName[name];
        if (DepsFileCheck.Problem(Path.ChangeExtension(path, ".deps.json")) is { } depsProblem)
        {
            Fail(name, null, $"malformed {name}.deps.json: {depsProblem}");
            _mainAssemblyByName.Remove(name);
            return null;
        }
        try
        {
            var context = new PluginLoadContext(path, ResolveLoadedPlugin);
            var assembly = context.LoadFromAssemblyPath(path);
            _loaded[name] = assembly;
            return assembly;
        }
        catch (Exception ex)
        {
            Fail(name, null, $"cannot load {path}: {ex.Message}");
            _mainAssemblyByName.Remove(name);
            return null;
        }
    }

    private Assembly? ResolveLoadedPlugin(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && _mainAssemblyByName.ContainsKey(name) ? LoadPlugin(name) : null;

    private void RegisterNodes(string plugin, Assembly assembly)
    {
        var nodes = new List<string>();
        try
        {
            foreach (var type in NodeDefinitionReader.NodeTypes(assembly))
                if (Register(plugin, type) is { } nodeName)
                    nodes.Add(nodeName);
        }
        catch (Exception ex)
        {
            Fail(plugin, null, $"reading its nodes failed: {ex.GetType().Name}: {ex.Message}");
        }
        _reportLoaded.Add(new LoadedPlugin(plugin, Path.GetDirectoryName(assembly.Location) ?? "",
            assembly.GetName().Version?.ToString() ?? "", nodes, assembly));
        LogPluginLoaded(plugin, nodes.Count);
    }

    private string? Register(string plugin, Type type)
    {
        NodeReadResult read;
        try
        {
            read = NodeDefinitionReader.Read(type, plugin);
        }
        catch (Exception ex)
        {
            Fail(plugin, type.Name, $"{ex.GetType().Name}: {ex.Message}");
            return null;
        }
        if (read.Definition is null)
        {
            Fail(plugin, read.Name, string.Join(" ", read.Problems));
            return null;
        }
        var taken = registry.TryAdd(read.Definition);
        if (taken.Count > 0)
        {
            Fail(plugin, read.Name, $"name already registered by another node: {string.Join(", ", taken)}");
            return null;
        }
        return read.Name;
    }

    private void Fail(string plugin, string? node, string reason)
    {
        var failure = new PluginFailure(plugin, node, reason);
        _failures.Add(failure);
        LogPluginFailure(failure.ToString());
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Loaded plugin {Plugin} with {NodeCount} nodes")]
    private partial void LogPluginLoaded(string plugin, int nodeCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Skipped {Failure}")]
    private partial void LogPluginFailure(string failure);
}
