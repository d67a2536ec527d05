using System.Runtime.Loader;
using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Plugins;

/// <summary>
/// Plugins built by this test build, loaded from their folders: two versions of one library side by side, and a
/// plugin that extends another getting the loaded instance.
/// </summary>
public sealed class PluginIsolationTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly], pluginDirectories: [BuildPaths.TestPlugins]);

    public void Dispose() => _test.Dispose();

    [Fact]
    public void Two_plugins_each_use_their_own_version_of_the_same_library()
    {
        var result = _test.Run("""
            {"1": {"class_type": "JsonOldVersion", "inputs": {"text": "a"}},
             "2": {"class_type": "JsonNewVersion", "inputs": {"text": "b"}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "4": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal("12.0.0.0|{\"text\":\"a\"}", TestEngine.ShownValue(result, "3"));
        Assert.Equal("13.0.0.0|{\"text\":\"b\"}", TestEngine.ShownValue(result, "4"));

        var loaded = AssemblyLoadContext.All
            .SelectMany(c => c.Assemblies.Select(a => (Context: c, Assembly: a)))
            .Where(x => x.Assembly.GetName().Name == "Newtonsoft.Json" && x.Context.Name is "JsonOldPlugin" or "JsonNewPlugin")
            .Select(x => x.Assembly.GetName().Version!.Major)
            .Distinct().Order();
        Assert.Equal([12, 13], loaded);
    }

    [Fact]
    public void Plugin_that_references_another_gets_the_loaded_instance()
    {
        var result = _test.Run("""
            {"1": {"class_type": "MakeGreeting", "inputs": {"name": "plugins"}},
             "2": {"class_type": "ShoutGreeting", "inputs": {"greeting": ["1", 0]}},
             "3": {"class_type": "ShowGreeting", "inputs": {"greeting": ["2", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("HELLO PLUGINS!", (string)result.Outputs[new("3")]["text"]!);

        // Every engine in this test run loads the plugins again, so there may be several extension contexts: none holds a copy.
        var extensions = AssemblyLoadContext.All.Where(c => c.Name == "GreetingExtension").ToList();
        Assert.NotEmpty(extensions);
        Assert.All(extensions, c => Assert.DoesNotContain(c.Assemblies, a => a.GetName().Name == "JsonNewPlugin"));
    }

    [Fact]
    public void Plugin_nodes_use_the_host_copy_of_the_sdk()
    {
        var sdk = typeof(Workflow.NodeSdk.INode).Assembly;
        var pluginContexts = AssemblyLoadContext.All.Where(c => c.Name is "JsonOldPlugin" or "JsonNewPlugin" or "GreetingExtension" or "BrokenPlugin");
        Assert.All(pluginContexts, c => Assert.DoesNotContain(c.Assemblies, a => a.GetName().Name == sdk.GetName().Name));
        Assert.Contains(_test.Engine.Plugins.Loaded, p => p.Name == "JsonNewPlugin" && p.Nodes.Contains("MakeGreeting"));
    }
}
