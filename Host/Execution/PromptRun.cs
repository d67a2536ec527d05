using System.Text.Json.Nodes;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Graph;
using Workflow.Host.Planning;
using Workflow.Host.Validation;

namespace Workflow.Host.Execution;

/// <summary>
/// One run of one prompt: build cache keys, take what the cache holds, then execute the rest in dependency order.
/// Each node ends in success (its outputs cached), failure (the run stops; the cache keeps what succeeded) or
/// interruption (checked between nodes and at the node's progress points). Values are held only until their
/// last consumer in this run has finished.
/// </summary>
internal sealed class PromptRun(RunRequest request, OutputCache cache, ValueLeases leases, RunServices services, CancellationToken cancellation)
{
    private readonly ValidatedPrompt _prompt = request.Prompt;
    private readonly Dictionary<NodeId, NodeOutputs> _values = [];
    private readonly Dictionary<NodeId, int> _remainingConsumers = [];
    private readonly Dictionary<NodeId, JsonObject> _ui = [];
    private readonly List<NodeId> _executed = [];
    private IReadOnlyDictionary<NodeId, CacheKey?> _keys = new Dictionary<NodeId, CacheKey?>();
    private ExecutionList _list = null!;
    private IReadOnlyList<NodeId> _cached = [];

    public async Task<ExecutionResult> ExecuteAsync()
    {
        services.Emit(new ExecutionStarted(request.PromptId));
        try
        {
            _keys = CacheKeyBuilder.Build(_prompt, Fingerprints.Compute(_prompt, services.Paths, services.HostLogger));
            _list = new ExecutionList(_prompt, TakeFromCache);
            AnnounceCached();
            while (_list.TryNext(out var id))
            {
                if (cancellation.IsCancellationRequested)
                    return Interrupted(id);
                var failure = await RunNodeAsync(_prompt.Nodes[id]);
                if (failure is not null)
                    return failure;
                _list.Complete(id);
                ReleaseSourcesOf(id);
            }
            services.Emit(new ExecutionSucceeded(request.PromptId));
            return Result(ExecutionStatus.Succeeded, null);
        }
        finally
        {
            foreach (var outputs in _values.Values)
                leases.Release(outputs.Values);
        }
    }

    private bool TakeFromCache(NodeId id)
    {
        if (_keys[id] is not { } key || !cache.TryAcquire(key, out var outputs))
            return false;
        _values[id] = outputs;
        return true;
    }

    /// <summary>
    /// As ComfyUI's execution_cached: every needed node whose output is in the cache, whether or not the run reaches
    /// it. Each is marked recently used, as ComfyUI's LRU cache marks the current prompt's nodes: the graph being worked
    /// on is what the next change will need.
    /// </summary>
    private void AnnounceCached()
    {
        _cached = _prompt.TopologicalOrder.Where(id => _keys[id] is { } key && cache.Touch(key)).Order().ToList();
        services.Emit(new NodesCached(request.PromptId, _cached.Select(id => id.Value).ToList()));
        foreach (var id in _list.Satisfied)
        {
            _remainingConsumers[id] = _list.ConsumersOf(id).Count;
            if (_prompt.Nodes[id].Definition.IsOutputNode)
                Announce(_prompt.Nodes[id], _values[id], fromCache: true);
        }
    }

    /// <summary>Runs one node; returns the run's end when it fails or is interrupted, null when it succeeded.</summary>
    private async Task<ExecutionResult?> RunNodeAsync(BoundNode node)
    {
        services.Emit(new NodeExecuting(request.PromptId, node.Id.Value, node.Definition.Name));
        NodeOutputs outputs;
        try
        {
            var context = new NodeRunContext(node, request.PromptId, services, cancellation);
            var result = await node.Definition.Invoker.InvokeAsync(context, ArgumentBinder.Bind(node, _values)).ConfigureAwait(false);
            outputs = new NodeOutputs(result.Outputs, result.Ui);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Interrupted(node.Id);
        }
        catch (Exception ex)
        {
            return Failed(node, ex);
        }
        leases.Retain(outputs.Values);
        if (OutputLimits.Problem(node, outputs.Values, services.Options.Limits) is { } problem)
        {
            leases.Release(outputs.Values);
            return Failed(node, new LimitExceededException(problem));
        }
        _values[node.Id] = outputs;
        _remainingConsumers[node.Id] = _list.ConsumersOf(node.Id).Count;
        if (_keys[node.Id] is { } key)
            cache.Add(key, outputs);
        _executed.Add(node.Id);
        if (node.Definition.IsOutputNode)
            Announce(node, outputs, fromCache: false);
        return null;
    }

    private void Announce(BoundNode node, NodeOutputs outputs, bool fromCache)
    {
        var ui = outputs.Ui?.ToJson();
        if (ui is not null)
            _ui[node.Id] = ui;
        services.Emit(new NodeExecuted(request.PromptId, node.Id.Value, node.Definition.Name, ui, fromCache));
    }

    /// <summary>Lets go of upstream values whose consumers in this run have all finished (the cache may still hold them).</summary>
    private void ReleaseSourcesOf(NodeId id)
    {
        foreach (var source in _prompt.Nodes[id].Links.Select(l => l.From).Distinct().Append(id))
        {
            if (source != id)
                _remainingConsumers[source]--;
            if (_remainingConsumers[source] == 0 && _values.Remove(source, out var done))
                leases.Release(done.Values);
        }
    }

    private ExecutionResult Interrupted(NodeId at)
    {
        var classType = _prompt.Nodes[at].Definition.Name;
        services.Emit(new ExecutionInterrupted(request.PromptId, at.Value, classType, _executed.Select(e => e.Value).ToList()));
        return Result(ExecutionStatus.Interrupted, null);
    }

    private ExecutionResult Failed(BoundNode node, Exception ex)
    {
        var failure = new ExecutionFailure(
            node.Id.Value, node.Definition.Name, Echo.Text(ex.Message, Echo.MaxMessageLength), ex.GetType().FullName ?? ex.GetType().Name,
            services.Options.StackTraces ? (ex.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries) : [],
            ArgumentBinder.Describe(node), _executed.Select(e => e.Value).ToList());
        services.Emit(new ExecutionFailed(request.PromptId, failure));
        return Result(ExecutionStatus.Failed, failure);
    }

    private ExecutionResult Result(ExecutionStatus status, ExecutionFailure? failure) =>
        new(status, new Dictionary<NodeId, JsonObject>(_ui), _executed.ToList(), _cached, failure);
}
