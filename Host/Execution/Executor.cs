using Microsoft.Extensions.Logging;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Memory;
using Workflow.Host.Planning;
using Workflow.Host.Registry;
using Workflow.Host.Validation;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Execution;

/// <summary>A prompt to run: the validated graph, its id, and who hears its events.</summary>
public sealed record RunRequest(ValidatedPrompt Prompt, string PromptId, Action<ExecutionEvent>? OnEvent = null);

/// <summary>
/// Runs validated prompts against one output cache. Each run is planned first (<see cref="RunPlan"/>: cache keys, what
/// the cache holds), then executes only what its outputs need and the cache does not already hold; see
/// <see cref="PromptRun"/> for the loop. Runs may overlap; the cache is shared.
/// </summary>
public sealed partial class Executor
{
    private readonly EngineOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly RunResources _resources;

    /// <summary>Where models run, found out when a node first asks: workflows without tensors never load libtorch.</summary>
    private readonly Lazy<Device> _device;

    public Executor(OutputCache cache, ValueLeases leases, INodeRegistry registry, EngineOptions options, ILoggerFactory loggers)
    {
        (_options, _loggers) = (options, loggers);
        _logger = loggers.CreateLogger<Executor>();
        _device = new(options.ResolveDevice);
        var models = ModelPlacement.On(() => _device.Value, options.VramMegabytes, loggers.CreateLogger<ModelMemory>());
        _resources = new RunResources(cache, leases, registry, new NodeChecker(registry, options), models);
    }

    public OutputCache Cache => _resources.Cache;

    /// <summary>Where models run (resolving it loads libtorch).</summary>
    public Device Device => _device.Value;

    /// <summary>Keeps models within the device memory budget (nothing on the CPU).</summary>
    public ModelPlacement Models => _resources.Models;

    /// <summary>Runs a prompt; async nodes are awaited, so a node waiting on I/O holds no thread.</summary>
    public Task<ExecutionResult> RunAsync(RunRequest request, CancellationToken cancellation = default)
    {
        var prompt = request.Prompt;
        var metadata = new PromptMetadata(prompt.Graph.Source, prompt.Graph.ExtraPngInfo);
        var services = new RunServices(request.PromptId, _options, _device, metadata, _loggers, e => Emit(request.OnEvent, e));
        var plan = RunPlan.Build(prompt, Fingerprints.Compute(prompt, _options.Paths, _logger), Cache);
        return new PromptRun(plan, _resources, services, cancellation).ExecuteAsync();
    }

    /// <summary>
    /// Runs a prompt and blocks until it ends, for callers with a thread to spare (benchmarks, tests). The run starts
    /// on the thread pool, so a caller's synchronization context can never deadlock it.
    /// </summary>
    public ExecutionResult Run(RunRequest request, CancellationToken cancellation = default) =>
        Task.Run(() => RunAsync(request, cancellation), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>A listener that throws must not take the run down with it.</summary>
    private void Emit(Action<ExecutionEvent>? listener, ExecutionEvent e)
    {
        try
        {
            listener?.Invoke(e);
        }
        catch (Exception ex)
        {
            LogListenerFailed(e.GetType().Name, ex);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "An execution listener threw on {EventType}")]
    private partial void LogListenerFailed(string eventType, Exception ex);
}
