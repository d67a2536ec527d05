using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Plugins;
using Workflow.Host.Registry;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Plugins;

/// <summary>
/// Plugin folders given directly or as folders of plugin folders, and the conflict rule: folders in the order given,
/// the first plugin to define a node name keeps it, and the warning names both plugins. JsonOldPlugin and
/// JsonNewPlugin both define WhichPlugin.
/// </summary>
public sealed class LoadOrderTests
{
    private static readonly string OldPlugin = Path.Combine(BuildPaths.TestPlugins, "JsonOldPlugin");
    private static readonly string NewPlugin = Path.Combine(BuildPaths.TestPlugins, "JsonNewPlugin");

    private static (NodeRegistry Registry, PluginReport Report) Load(params string[] directories)
    {
        var registry = new NodeRegistry();
        var loader = new PluginLoader(registry, NullLogger<PluginLoader>.Instance);
        loader.LoadAll(new PluginOptions(directories));
        return (registry, loader.Report);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_plugin_given_first_keeps_a_node_name_and_the_warning_names_both(bool oldFirst)
    {
        var (first, second) = oldFirst ? ("JsonOldPlugin", "JsonNewPlugin") : ("JsonNewPlugin", "JsonOldPlugin");
        var (registry, report) = oldFirst ? Load(OldPlugin, NewPlugin) : Load(NewPlugin, OldPlugin);

        Assert.True(registry.TryGet("WhichPlugin", out var which));
        Assert.Equal(first, which.Module);
        var conflict = Assert.Single(report.Failures);
        Assert.Equal((second, "WhichPlugin"), (conflict.Plugin, conflict.Node));
        Assert.Equal($"node WhichPlugin of plugin {second} was not registered (the plugin's other nodes were): the name WhichPlugin is already taken by node WhichPlugin of plugin {first}, loaded first",
            conflict.ToString());
        Assert.Equal([first, second], report.Loaded.Select(p => p.Name));
    }

    [Fact]
    public void A_plugin_folder_given_directly_loads_like_one_inside_a_plugins_folder()
    {
        var (registry, report) = Load(OldPlugin + Path.DirectorySeparatorChar);
        Assert.Equal(["JsonOldPlugin"], report.Loaded.Select(p => p.Name));
        Assert.True(registry.TryGet("JsonOldVersion", out _));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Plugins_of_one_folder_load_by_name_and_built_ins_come_first_on_the_command_line()
    {
        var options = PluginOptions.FromEnvironment([BuildPaths.TestPlugins]);
        Assert.Equal(PluginOptions.DefaultDirectory, options.Directories[0]);
        Assert.Equal(BuildPaths.TestPlugins, options.Directories[1]);

        var (registry, report) = Load(BuildPaths.TestPlugins);
        var names = report.Loaded.Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.True(registry.TryGet("WhichPlugin", out var which));
        Assert.Equal("JsonNewPlugin", which.Module);   // JsonNewPlugin sorts before JsonOldPlugin
    }
}
