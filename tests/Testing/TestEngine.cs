using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Execution;
using Workflow.Host.Graph;
using Workflow.Host.Plugins;
using Workflow.Host.Validation;
using Workflow.Imaging;
using Workflow.Torch;

namespace Workflow.Testing;

/// <summary>
/// An engine over in-process node assemblies (and, if asked, plugin folders) with its own temporary base folder,
/// so every test owns its state. Disposing deletes the folder.
/// </summary>
public sealed class TestEngine : IDisposable
{
    /// <param name="configure">Changes to the options beyond these (limits, stack traces).</param>
    public TestEngine(
        IReadOnlyList<Assembly> nodeAssemblies, CacheBudget? budget = null, IReadOnlyList<string>? pluginDirectories = null, Device? device = null,
        Func<EngineOptions, EngineOptions>? configure = null)
    {
        BaseDirectory = Directory.CreateTempSubdirectory("workflow-test-").FullName;
        var options = new EngineOptions(EngineOptions.PathsUnder(BaseDirectory), new PluginOptions(pluginDirectories ?? []), budget ?? CacheBudget.Unbounded)
        {
            Device = device ?? Device.CPU,
        };
        options = configure?.Invoke(options) ?? options;
        Engine = WorkflowEngine.Create(options, NullLoggerFactory.Instance, [.. nodeAssemblies]);
    }

    public string BaseDirectory { get; }

    public WorkflowEngine Engine { get; }

    public List<ExecutionEvent> Events { get; } = [];

    public static WorkflowGraph Parse(string json) =>
        WorkflowJson.Parse(json).Graph ?? throw new ArgumentException(WorkflowJson.Parse(json).Error);

    public ValidationOutcome Validate(string json) => Engine.Validate(Parse(json));

    /// <summary>Validates (which must succeed) and runs, recording events; <paramref name="onEvent"/> sees each event too.</summary>
    public ExecutionResult Run(string json, Action<ExecutionEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        var validation = Validate(json);
        Assert.True(validation.CanRun, validation.ToJson().ToJsonString());
        Events.Clear();
        return Engine.Run(new RunRequest(validation.Prompt!, Guid.NewGuid().ToString(), e =>
        {
            Events.Add(e);
            onEvent?.Invoke(e);
        }), cancellation);
    }

    /// <summary>Runs as <see cref="Run"/> and asserts the prompt succeeded, showing the failure's message otherwise.</summary>
    public ExecutionResult RunSucceeded(string json)
    {
        var result = Run(json);
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        return result;
    }

    /// <summary>The first picture a SaveImage node (<paramref name="nodeId"/>) of <paramref name="result"/> wrote, decoded.</summary>
    public RasterImage SavedImage(ExecutionResult result, string nodeId)
    {
        var file = result.Outputs[new NodeId(nodeId)]["images"]![0]!;
        return Png.Read(Path.Combine(Engine.Paths.Output, (string)file["subfolder"]!, (string)file["filename"]!)).Image;
    }

    public static IReadOnlyList<string> Ids(IEnumerable<NodeId> ids) => ids.Select(i => i.Value).Order(StringComparer.Ordinal).ToList();

    /// <summary>The "value" text an output node showed.</summary>
    public static string ShownValue(ExecutionResult result, string nodeId) => (string)result.Outputs[new NodeId(nodeId)]["value"]![0]!;

    public static void AssertJsonEqual(string expectedJson, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual),
            $"expected {JsonNode.Parse(expectedJson)?.ToJsonString()}\n  actual {actual?.ToJsonString()}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(BaseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still open by a failed test; the OS cleans temp eventually
        }
    }
}
