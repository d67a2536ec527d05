using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Execution;
using Workflow.Host.Plugins;
using Workflow.Host.Registry;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Plugins;

/// <summary>A plugin that fails to load, a node with a wrong schema, a node that throws: reported by name and reason; the rest keeps working.</summary>
public sealed class BrokenPluginTests : IDisposable
{
    private readonly string _pluginsDir = Directory.CreateTempSubdirectory("workflow-plugins-").FullName;

    public void Dispose() => Directory.Delete(_pluginsDir, recursive: true);

    [Fact]
    public void Nodes_with_wrong_schemas_are_reported_and_the_good_ones_load()
    {
        using var test = new TestEngine([typeof(TestNodes).Assembly], pluginDirectories: [BuildPaths.TestPlugins]);
        var failures = test.Engine.Plugins.Failures.Where(f => f.Plugin == "BrokenPlugin").ToDictionary(f => f.Node!, f => f.Reason);

        Assert.Equal("Input 'value': default 99 is outside [0, 10].", failures["DefaultOutOfRange"]);
        Assert.Equal("BrokenPlugin.ConstructorThrows constructor threw InvalidOperationException: cannot construct", failures["ConstructorThrows"]);
        Assert.Equal("Input 'address': type Uri is bound to no socket type: use int, long, ulong, double, float, string, bool, an enum, object (any) or a type of your own marked [SocketType(\"NAME\")].", failures["UnboundType"]);
        Assert.True(test.Engine.Registry.TryGet("StillWorks", out _));
        Assert.False(test.Engine.Registry.TryGet("DefaultOutOfRange", out _));
    }

    [Fact]
    public void Node_that_throws_fails_its_prompt_and_the_next_prompt_runs()
    {
        using var test = new TestEngine([typeof(TestNodes).Assembly], pluginDirectories: [BuildPaths.TestPlugins]);
        var failed = test.Run("""{"1": {"class_type": "ThrowsWhenRun", "inputs": {"message": "plugin bug"}}}""");
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(("1", "ThrowsWhenRun", "plugin bug"), (failed.Failure!.NodeId, failed.Failure.ClassType, failed.Failure.ExceptionMessage));

        var next = test.Run("""
            {"1": {"class_type": "StillWorks", "inputs": {"text": "ok"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("ok", TestEngine.ShownValue(next, "2"));
    }

    [Fact]
    public void Plugin_folder_with_a_corrupt_assembly_is_reported_and_others_load()
    {
        var garbage = Directory.CreateDirectory(Path.Combine(_pluginsDir, "Garbage")).FullName;
        File.WriteAllBytes(Path.Combine(garbage, "Garbage.dll"), [0x4D, 0x5A, 1, 2, 3, 4, 5]);

        CopyDirectory(Path.Combine(BuildPaths.TestPlugins, "JsonNewPlugin"), Path.Combine(_pluginsDir, "JsonNewPlugin"));
        Directory.CreateDirectory(Path.Combine(_pluginsDir, "Empty"));

        var registry = new NodeRegistry();
        var loader = new PluginLoader(registry, NullLogger<PluginLoader>.Instance);
        loader.LoadAll(new PluginOptions([_pluginsDir]));

        var failures = loader.Report.Failures.ToDictionary(f => f.Plugin, f => f.Reason);
        Assert.StartsWith($"cannot load {Path.Combine(garbage, "Garbage.dll")}: ", failures["Garbage"]);
        Assert.Contains("holds no Empty.dll", failures["Empty"]);
        Assert.True(registry.TryGet("MakeGreeting", out _));
    }

    /// <summary>Each of these makes the runtime's native resolver abort the process; the loader must refuse them first.</summary>
    [Theory]
    [InlineData("{}", "runtimeTarget.name is missing or not a string")]
    [InlineData("{\"runtimeTarget\": 5}", "runtimeTarget.name is missing or not a string")]
    [InlineData("{\"runtimeTarget\": {\"name\": 5}}", "runtimeTarget.name is missing or not a string")]
    [InlineData("{\"runtimeTarget\": {\"name\": \"N\"}, \"targets\": 5}", "targets is not an object")]
    [InlineData("{\"runtimeTarget\": {\"name\": \"N\"}, \"targets\": {\"N\": {\"X/1.0\": 5}}}", "targets.N.X/1.0: not an object")]
    [InlineData("{\"runtimeTarget\": {\"name\": \"N\"}, \"targets\": {\"N\": {\"X/1.0\": {\"runtime\": {\"X.dll\": 5}}}}}", "targets.N.X/1.0: runtime.X.dll is not an object of strings")]
    [InlineData("{\"runtimeTarget\": {\"name\": \"N\"}, \"targets\": {\"N\": {\"X/1.0\": {\"runtimeTargets\": {\"a.so\": {\"rid\": 5}}}}}}", "targets.N.X/1.0: runtimeTargets.a.so is not an object of strings")]
    [InlineData("{\"runtimeTarget\": {\"name\": \"N\"}, \"libraries\": 5}", "libraries is not an object")]
    [InlineData("[1, 2]", "the root is not an object")]
    public void Malformed_deps_file_is_refused_before_the_runtime_reads_it(string deps, string reason)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_pluginsDir, "Damaged")).FullName;
        File.Copy(Path.Combine(BuildPaths.TestPlugins, "BrokenPlugin", "BrokenPlugin.dll"), Path.Combine(folder, "Damaged.dll"));
        File.WriteAllText(Path.Combine(folder, "Damaged.deps.json"), deps);

        var loader = new PluginLoader(new NodeRegistry(), NullLogger<PluginLoader>.Instance);
        loader.LoadAll(new PluginOptions([_pluginsDir]));

        Assert.Equal($"malformed Damaged.deps.json: {reason}", loader.Report.Failures.Single().Reason);
    }

    [Fact]
    public void Deps_file_that_is_not_json_is_refused() =>
        Assert.StartsWith("not valid JSON: ", DepsFileCheck.Problem(WriteTemp("{\"runtimeTarget\": ")));

    [Fact]
    public void Deps_file_the_sdk_wrote_passes() =>
        Assert.Null(DepsFileCheck.Problem(Path.Combine(BuildPaths.TestPlugins, "JsonOldPlugin", "JsonOldPlugin.deps.json")));

    private string WriteTemp(string content)
    {
        var path = Path.Combine(_pluginsDir, Guid.NewGuid() + ".deps.json");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Missing_plugin_folder_is_a_warning_naming_it()
    {
        var missing = Path.Combine(_pluginsDir, "does-not-exist");
        var loader = new PluginLoader(new NodeRegistry(), NullLogger<PluginLoader>.Instance);
        loader.LoadAll(new PluginOptions([missing]));
        Assert.Empty(loader.Report.Failures);
        Assert.Equal($"plugin folder {missing} does not exist; no plugins were loaded from it", Assert.Single(loader.Report.Warnings));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
