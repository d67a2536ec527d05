using System.Collections.Immutable;
using Workflow.Host.Engine;
using Workflow.Host.Graph;
using Workflow.Host.Registry;

namespace Workflow.Host.Validation;

/// <summary>
/// Checks a workflow before anything runs and reports every problem at once, per node and input, in ComfyUI's
/// node_errors shape. As in ComfyUI only output nodes and what they depend on are checked; outputs whose
/// subgraph has errors are dropped, and the prompt fails only when no output is left.
/// </summary>
public sealed class Validator(INodeRegistry registry, EngineOptions options)
{
    private readonly NodeChecker _checker = new(registry, options);

    public ValidationOutcome Validate(WorkflowGraph graph, IReadOnlyCollection<NodeId>? partialTargets = null)
    {
        var structural = StructuralErrors(graph);
        var targets = partialTargets?.ToHashSet();
        var outputs = graph.Nodes.Values
            .Where(n => n.ClassType is { } c && registry.TryGet(c, out var d) && d.IsOutputNode)
            .Where(n => targets is null || targets.Contains(n.Id))
            .Select(n => n.Id).ToList();
        if (outputs.Count == 0)
            return new ValidationOutcome(null, structural.FirstOrDefault()?.Error ?? ValidationErrors.NoOutputs(),
                NodeErrorsOf(structural.ToDictionary(s => s.Node, s => new List<ValidationError> { s.Error }), graph, _ => []));

        var index = GraphIndex.Of(graph);
        var needed = index.Ancestors(outputs);
        var ownErrors = structural.ToDictionary(s => s.Node, s => new List<ValidationError> { s.Error });
        var bound = new Dictionary<NodeId, BoundNode>();
        foreach (var id in needed.Where(id => !ownErrors.ContainsKey(id)))
        {
            var check = _checker.Check(graph, graph[id]);
            if (check.Node is { } node) bound[id] = node;
            else ownErrors[id] = [.. check.Errors];
        }
        foreach (var cycle in CycleFinder.Find(graph, index, needed))
            (ownErrors.TryGetValue(cycle.Node, out var list) ? list : ownErrors[cycle.Node] = []).Add(cycle.Error);

        var invalid = index.Descendants(ownErrors.Keys);
        var goodOutputs = outputs.Where(o => !invalid.Contains(o)).ToList();
        var dependents = new DependentOutputs(index, outputs);
        var error = structural.FirstOrDefault()?.Error;
        if (error is null && goodOutputs.Count == 0)
            error = ValidationErrors.OutputsFailed(needed.Where(ownErrors.ContainsKey).Order().SelectMany(n => ownErrors[n]).ToList());
        if (error is not null)
            return new ValidationOutcome(null, error, NodeErrorsOf(ownErrors, graph, dependents.Of));

        var runnable = index.Ancestors(goodOutputs);
        var prompt = new ValidatedPrompt(graph, index, runnable.ToDictionary(id => id, id => bound[id]), goodOutputs);
        return new ValidationOutcome(prompt, null, NodeErrorsOf(ownErrors, graph, dependents.Of));
    }

    /// <summary>Nodes without a class, or of a class no plugin registered.</summary>
    private List<ErrorOnNode> StructuralErrors(WorkflowGraph graph) =>
        graph.Nodes.Values
            .Select(n => n.ClassType is null ? new ErrorOnNode(n.Id, ValidationErrors.MissingClassType(n.Id, n.Title))
                : registry.TryGet(n.ClassType, out _) ? null : new ErrorOnNode(n.Id, ValidationErrors.UnknownClass(n.Id, n.ClassType, n.Title)))
            .OfType<ErrorOnNode>()
            .ToList();

    /// <summary>Each node with errors of its own, listing the outputs that depend on it (nodes invalid only through an upstream error are left out, as ComfyUI does).</summary>
    private static ImmutableSortedDictionary<NodeId, NodeErrors> NodeErrorsOf(
        Dictionary<NodeId, List<ValidationError>> ownErrors, WorkflowGraph graph, Func<NodeId, IReadOnlyList<NodeId>> dependentOutputs) =>
        ownErrors.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => new NodeErrors(graph[kv.Key].ClassType ?? "", kv.Value, dependentOutputs(kv.Key).Select(o => o.Value).ToList()));
}
