using System.Text.Json.Nodes;
using Workflow.Host.Caching;
using Workflow.Host.Graph;
using Workflow.Host.Memory;
using Workflow.Host.Planning;
using Workflow.Host.Registry;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>The parts a run uses that outlive it: the cache, the leases on values, and what checks the nodes expansions add.</summary>
internal sealed record RunResources(OutputCache Cache, ValueLeases Leases, INodeRegistry Registry, NodeChecker Checker, ModelPlacement Models);

/// <summary>
/// One run of one prompt, ComfyUI's loop (execution.py: execute_async): stage the next ready node, run it, and either
/// complete it (its outputs cached, its consumers closer to ready) or put it back while it waits for more, the lazy
/// inputs it asked for or the subgraph it expanded into. A failure ends the run (the cache keeps what succeeded);
/// an interruption is checked between nodes, between a node's calls, and at its progress points.
/// </summary>
internal sealed class PromptRun
{
    private readonly RunPlan _plan;
    private readonly RunResources _resources;
    private readonly RunServices _services;
    private readonly CancellationToken _cancellation;
    private readonly DynamicPrompt _graph;
    private readonly RunValues _values;
    private readonly ExecutionList _list;
    private readonly Expander _expander;
    private readonly Dictionary<NodeId, HashSet<string>> _asked = [];               // lazy inputs each node asked for
    private readonly Dictionary<NodeId, IReadOnlyList<BoundInput>[]> _expanded = [];  // expanded node → its results, per call
    private readonly Dictionary<NodeId, JsonObject> _ui = [];
    private readonly List<NodeId> _executed = [];

    public PromptRun(RunPlan plan, RunResources resources, RunServices services, CancellationToken cancellation)
    {
        (_plan, _resources, _services, _cancellation) = (plan, resources, services, cancellation);
        _graph = new DynamicPrompt(plan);
        _values = new RunValues(resources.Leases);
        _list = new ExecutionList(_graph, TakeAvailable, HoldSources);
        _expander = new Expander(resources.Registry, resources.Checker, services);
    }

    private string PromptId => _services.PromptId;

    public async Task<ExecutionResult> ExecuteAsync()
    {
        _services.Emit(new ExecutionStarted(PromptId));
        try
        {
            _services.Emit(new NodesCached(PromptId, _plan.Cached.Select(id => id.Value).ToList()));
            foreach (var output in _plan.Prompt.Outputs)
                Start(output);
            while (!_list.IsEmpty)
            {
                if (!_list.TryStage(out var id))
                    throw new InvalidOperationException($"No node can run: {string.Join(", ", _list.Pending.Take(20))} wait for each other.");
                if (_cancellation.IsCancellationRequested)
                    return Interrupted(id);
                if (await RunStagedAsync(id) is { } end)
                    return end;
            }
            _services.Emit(new ExecutionSucceeded(PromptId));
            return Result(ExecutionStatus.Succeeded, null);
        }
        finally
        {
            _values.LetGoAll();
        }
    }

    /// <summary>An output node: shown from the cache when it is there, else added to the list with what it needs.</summary>
    private void Start(NodeId output)
    {
        if (_list.IsPending(output) || !TakeAvailable(output))
        {
            _list.AddNode(output);
            return;
        }
        Announce(output, _values[output], fromCache: true);
        _values.LetGoIfUnheld(output);
    }

    /// <summary>Runs the staged node as far as it goes; returns the run's end when it failed or was interrupted.</summary>
    private async Task<ExecutionResult?> RunStagedAsync(NodeId id)
    {
        bool done;
        try
        {
            done = await StepAsync(id);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            return Interrupted(id);
        }
        catch (NodeFailedException failure)
        {
            return Failed(id, failure.InnerException!);
        }
        if (!done)
        {
            _list.Unstage();
            return null;
        }
        _list.Complete();
        _values.Release(_graph[id].Sources);
        return null;
    }

    /// <summary>True when the node finished; false when it waits for inputs it asked for, or for the subgraph it expanded into.</summary>
    private async Task<bool> StepAsync(NodeId id)
    {
        var node = _graph[id];
        if (_expanded.Remove(id, out var results))
        {
            Finish(node, Resolve(node, results));
            _values.Release(results.SelectMany(r => r).OfType<BoundLink>().Select(link => link.From).ToList());
            return true;
        }
        var asked = _asked.GetValueOrDefault(id);
        if (asked is null)   // staged the first time: a node staged again has asked for lazy inputs, or expanded
            _services.Emit(new NodeExecuting(PromptId, id.Value, node.Definition.Name) { DisplayNodeId = _graph.RealIdOf(id).Value });
        var inputs = NodeInputs.Gather(node, _values, asked);
        if (node.Definition.LazyInputs is { } lazy && inputs.CallCount > 0 && AskForLazyInputs(node, lazy, inputs))
            return false;
        var calls = await InvokeAsync(node, inputs);
        if (node.Definition.Expands && calls.Count > 0)
        {
            Expand(node, calls);
            return false;
        }
        Finish(node, CallResults.Merge(node.Definition, calls));
        return true;
    }

    /// <summary>Calls the node once per element of its input lists; what its code throws fails it.</summary>
    private async Task<List<NodeResult>> InvokeAsync(BoundNode node, NodeInputs inputs)
    {
        var context = new NodeRunContext(node, _graph.RealIdOf(node.Id).Value, _services, _cancellation);
        var calls = new List<NodeResult>(inputs.CallCount);
        try
        {
            for (int call = 0; call < inputs.CallCount; call++)
            {
                if (call > 0)
                    _cancellation.ThrowIfCancellationRequested();
                var arguments = inputs.Arguments(call);
                NodeResult result;
                using (_resources.Models.Use(arguments))
                    result = await node.Definition.Invoker.InvokeAsync(context, arguments).ConfigureAwait(false);
                _resources.Models.Adopt(result.Outputs);
                if (node.Definition.Expands && result.Expansion is null)
                    throw new InvalidOperationException("Execute returned no expansion (null).");
                calls.Add(result);
            }
        }
        catch (Exception ex) when (FailsTheNode(ex))
        {
            throw new NodeFailedException(ex);
        }
        return calls;
    }

    /// <summary>
    /// Asks the node which lazy inputs it needs (ComfyUI's check_lazy_status, once per call, answers joined) and links
    /// those not yet asked for; true while the node must wait for them.
    /// </summary>
    private bool AskForLazyInputs(BoundNode node, ILazyInputs lazy, NodeInputs inputs)
    {
        var names = Guard(() => Enumerable.Range(0, inputs.CallCount).SelectMany(call => lazy.InputsNeeded(inputs.Evaluated(call))).Distinct().Order(StringComparer.Ordinal).ToList());
        var asked = _asked.TryGetValue(node.Id, out var set) ? set : _asked[node.Id] = [];
        foreach (var name in names)
        {
            var index = node.Definition.Inputs.ToList().FindIndex(i => i.Name == name);
            if (index < 0)
                throw new NodeFailedException(new InvalidOperationException($"{node.Definition.Name} asked for input '{Echo.Text(name)}', which it does not have."));
            if (node.Definition.Inputs[index].Lazy && node.Inputs[index] is BoundLink link && asked.Add(name))
                _list.AddStrongLink(link.From, node.Id);
        }
        return inputs.Unevaluated.Any(asked.Contains) || _list.IsStagedBlocked;
    }

    /// <summary>Adds each call's subgraph to the run; the node waits for the nodes its results come from.</summary>
    private void Expand(BoundNode node, List<NodeResult> calls)
    {
        var results = new IReadOnlyList<BoundInput>[calls.Count];
        for (int call = 0; call < calls.Count; call++)
        {
            var subgraph = Guard(() => _expander.Expand(_graph, node, (call, calls.Count), calls[call].Expansion!));
            foreach (var added in subgraph.Nodes)
                _graph.Add(added);
            foreach (var added in subgraph.Nodes.Where(n => n.Bound.Definition.IsOutputNode))
                Start(added.Written.Id);
            var sources = subgraph.Results.OfType<BoundLink>().Select(link => link.From).ToList();
            _values.Hold(sources);   // released when the node resolves its results
            foreach (var source in sources)
                _list.AddStrongLink(source, node.Id);
            results[call] = subgraph.Results;
        }
        _expanded[node.Id] = results;
    }

    /// <summary>An expanded node's outputs: each result's values, joined over the calls as a list output's are.</summary>
    private NodeOutputs Resolve(BoundNode node, IReadOnlyList<BoundInput>[] calls)
    {
        var slots = new IReadOnlyList<object?>[node.Definition.Outputs.Count];
        for (int i = 0; i < slots.Length; i++)
            slots[i] = calls.SelectMany(results => results[i] switch
            {
                BoundLink link => NodeInputs.Read(_values[link.From].Slots[link.Output], link.Element),
                BoundLiteral literal => [literal.Value],
                _ => [],
            }).ToList();
        return new NodeOutputs(slots, null);
    }

    /// <summary>Keeps a finished node's outputs for its readers and in the cache, and shows an output node's result.</summary>
    private void Finish(BoundNode node, NodeOutputs outputs)
    {
        _resources.Leases.Retain(outputs.AllValues);
        if (OutputLimits.Problem(node, outputs, _services.Options.Limits) is { } problem)
        {
            _resources.Leases.Release(outputs.AllValues);
            throw new NodeFailedException(new LimitExceededException(problem));
        }
        _values.Put(node.Id, outputs);
        if (_graph.KeyOf(node.Id) is { } key)
            _resources.Cache.Add(key, outputs);
        _executed.Add(node.Id);
        if (node.Definition.IsOutputNode)
            Announce(node.Id, outputs, fromCache: false);
        _values.LetGoIfUnheld(node.Id);
    }

    /// <summary>Whether a node's outputs are at hand: already in the run, or taken from the cache (under a lease of the run).</summary>
    private bool TakeAvailable(NodeId id)
    {
        if (_values.TryGet(id, out _))
            return true;
        if (_graph.KeyOf(id) is not { } key || !_resources.Cache.TryAcquire(key, out var outputs))
            return false;
        _values.Put(id, outputs);
        return true;
    }

    /// <summary>A node added to the list holds what it may read, lazy inputs included, until it has run.</summary>
    private void HoldSources(NodeId id) => _values.Hold(_graph[id].Sources);

    private void Announce(NodeId id, NodeOutputs outputs, bool fromCache)
    {
        var ui = outputs.Ui?.DeepClone().AsObject();
        if (ui is not null)
            _ui[id] = ui;
        _services.Emit(new NodeExecuted(PromptId, id.Value, _graph[id].Definition.Name, ui, fromCache) { DisplayNodeId = _graph.RealIdOf(id).Value });
    }

    /// <summary>Runs the node's own code (or checks what it returned): what it throws fails the node; an interruption stays one.</summary>
    private T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (FailsTheNode(ex))
        {
            throw new NodeFailedException(ex);
        }
    }

    /// <summary>Anything node code throws, but an interruption (which stays one) and a failure already wrapped.</summary>
    private bool FailsTheNode(Exception ex) =>
        ex is not NodeFailedException && (ex is not OperationCanceledException || !_cancellation.IsCancellationRequested);

    private ExecutionResult Interrupted(NodeId at)
    {
        var real = _graph.RealIdOf(at);
        _services.Emit(new ExecutionInterrupted(PromptId, real.Value, _graph[real].Definition.Name, _executed.Select(e => e.Value).ToList()));
        return Result(ExecutionStatus.Interrupted, null);
    }

    /// <summary>A failure is reported on the workflow's node (ComfyUI's real node id); a subgraph's node is named in the message.</summary>
    private ExecutionResult Failed(NodeId id, Exception ex)
    {
        var (node, real) = (_graph[id], _graph.RealIdOf(id));
        var message = real == id ? ex.Message : $"{Echo.Text(id.Value)} ({node.Definition.Name}): {ex.Message}";
        var failure = new ExecutionFailure(
            real.Value, _graph[real].Definition.Name, Echo.Text(message, Echo.MaxMessageLength), ex.GetType().FullName ?? ex.GetType().Name,
            _services.Options.StackTraces ? (ex.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries) : [],
            NodeInputs.Describe(node), _executed.Select(e => e.Value).ToList());
        _services.Emit(new ExecutionFailed(PromptId, failure));
        return Result(ExecutionStatus.Failed, failure);
    }

    private ExecutionResult Result(ExecutionStatus status, ExecutionFailure? failure) =>
        new(status, new Dictionary<NodeId, JsonObject>(_ui), _executed.ToList(), _plan.Cached, failure);

    /// <summary>A node's own code failed (or its results broke a limit): the run fails on that node.</summary>
    private sealed class NodeFailedException(Exception cause) : Exception(cause.Message, cause);
}
