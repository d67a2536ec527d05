using System.Reflection;
using Microsoft.Extensions.Logging;
using Workflow.Host.Registry;

namespace Workflow.Host.Plugins;

/// <summary>
/// Finds plugin folders, loads each in its own context and registers its nodes. A plugin that fails to load,
/// or a node whose schema is wrong, is reported with its name and reason; the rest keep loading.
/// A plugin referenced by another resolves to the loaded instance, loaded first if need be.
/// Order is deterministic: the folders in the order given (built-ins first), the plugins of one folder by name;
/// the first node to claim a name keeps it.
/// </summary>
public sealed partial class PluginLoader(NodeRegistry registry, ILogger<PluginLoader> logger)
{
    private readonly Dictionary<string, string> _mainAssemblyByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<LoadedPlugin> _reportLoaded = [];
    private readonly List<PluginFailure> _failures = [];
    private readonly List<string> _warnings = [];

    /// <summary>What has been loaded so far, what failed, and what was worth a warning.</summary>
    public PluginReport Report => new(_reportLoaded.ToList(), _failures.ToList(), _warnings.ToList());

    public void LoadAll(PluginOptions options)
    {
        foreach (var directory in options.Directories)
            foreach (var folder in PluginFolders(directory))
                Discover(folder);
        foreach (var name in _mainAssemblyByName.Keys.ToList())   // discovery order: a Dictionary that nothing was removed from yet
            if (LoadPlugin(name) is { } assembly)
                RegisterNodes(name, assembly);
    }

    /// <summary>
    /// A folder of plugin folders, by name; or, given a plugin's own folder (it holds its main assembly), that one.
    /// A folder that does not exist is a warning, except the host's own plugins folder, which may well be absent.
    /// </summary>
    private IEnumerable<string> PluginFolders(string directory)
    {
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(directory))
        {
            if (directory != Path.TrimEndingDirectorySeparator(PluginOptions.DefaultDirectory))
                Warn($"plugin folder {directory} does not exist; no plugins were loaded from it");
            return [];
        }
        if (IsPluginFolder(directory))
            return [directory];
        return Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal);
    }

    private static bool IsPluginFolder(string folder) =>
        File.Exists(Path.Combine(folder, Path.GetFileName(folder) + ".dll")) || Directory.GetFiles(folder, "*.deps.json").Length == 1;

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
            if (SdkCompatibility.ReferencedBy(assembly) is { } sdk && SdkCompatibility.Problem(sdk, SdkCompatibility.HostVersion) is { } sdkProblem)
            {
                Fail(name, null, sdkProblem);
                _mainAssemblyByName.Remove(name);
                return null;
            }
            _loaded[name] = assembly;
            return assembly;
        }
        catch (Exception ex)
        {
            Fail(name, null, $"cannot load {path}: {ex.Message}", ex);
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
            Fail(plugin, null, $"reading its nodes failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
        _reportLoaded.Add(new LoadedPlugin(plugin, Path.GetDirectoryName(assembly.Location) ?? "",
            assembly.GetName().Version?.ToString() ?? "", nodes, assembly));
        LogPluginLoaded(plugin, Path.GetDirectoryName(assembly.Location) ?? "", nodes.Count);
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
            Fail(plugin, type.Name, $"{ex.GetType().Name}: {ex.Message}", ex);
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
            Fail(plugin, read.Name, string.Join("; ", taken.Select(name => $"the name {name} is already taken by {Owner(name)}, loaded first")));
            return null;
        }
        return read.Name;
    }

    private string Owner(string nodeName) =>
        registry.TryGet(nodeName, out var owner) ? $"node {owner.Name} of plugin {owner.Module}" : "another node";

    private void Fail(string plugin, string? node, string reason, Exception? exception = null)
    {
        var failure = new PluginFailure(plugin, node, reason);
        _failures.Add(failure);
        if (node is null)
            LogPluginNotLoaded(plugin, reason, exception);
        else
            LogNodeNotRegistered(node, plugin, reason, exception);
    }

    private void Warn(string warning)
    {
        _warnings.Add(warning);
        LogPluginWarning(warning);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Loaded plugin {Plugin} from {Folder} with {NodeCount} nodes")]
    private partial void LogPluginLoaded(string plugin, string folder, int nodeCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Plugin {Plugin} was not loaded: {Reason}")]
    private partial void LogPluginNotLoaded(string plugin, string reason, Exception? exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Node {Node} of plugin {Plugin} was not registered (the plugin's other nodes were): {Reason}")]
    private partial void LogNodeNotRegistered(string node, string plugin, string reason, Exception? exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogPluginWarning(string warning);
}
