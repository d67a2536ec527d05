using Microsoft.Extensions.Logging;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Validation;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Execution;

/// <summary>A prompt to run: the validated graph, its id, and who hears its events.</summary>
public sealed record RunRequest(ValidatedPrompt Prompt, string PromptId, Action<ExecutionEvent>? OnEvent = null);

/// <summary>
/// Runs validated prompts against one output cache. Each run executes only what its outputs need and what the
/// cache does not already hold; see <see cref="PromptRun"/> for the loop. Runs may overlap; the cache is shared.
/// </summary>
public sealed partial class Executor(OutputCache cache, ValueLeases leases, EngineOptions options, ILoggerFactory loggers)
{
    /// <summary>Where models run, found out when a node first asks: workflows without tensors never load libtorch.</summary>
    private readonly Lazy<Device> _device = new(options.ResolveDevice);

    private readonly ILogger _logger = loggers.CreateLogger<Executor>();

    public OutputCache Cache => cache;

    /// <summary>Runs a prompt; async nodes are awaited, so a node waiting on I/O holds no thread.</summary>
    public Task<ExecutionResult> RunAsync(RunRequest request, CancellationToken cancellation = default)
    {
        var metadata = new PromptMetadata(request.Prompt.Graph.Source, request.Prompt.Graph.ExtraPngInfo);
        var services = new RunServices(options, _device, metadata, loggers, e => Emit(request.OnEvent, e));
        return new PromptRun(request, cache, leases, services, cancellation).ExecuteAsync();
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
