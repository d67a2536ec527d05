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
            return new ValidationOutcome(null, structural.FirstOrDefault().Error ?? ValidationErrors.NoOutputs(),
                NodeErrorsOf(structural.ToDictionary(s => s.Node, s => new List<ValidationError> { s.Error }), graph, _ => []));

        var needed = DependencyWalk.Ancestors(graph, outputs);
        var ownErrors = structural.ToDictionary(s => s.Node, s => new List<ValidationError> { s.Error });
        var bound = new Dictionary<NodeId, BoundNode>();
        foreach (var id in needed.Where(id => !ownErrors.ContainsKey(id)))
        {
            var (node, errors) = _checker.Check(graph, graph[id]);
            if (errors.Count > 0) ownErrors[id] = errors;
            else bound[id] = node!;
        }
        var components = new DependencyComponents(graph, needed);
        foreach (var (id, cycleError) in CycleFinder.Find(graph, components))
            (ownErrors.TryGetValue(id, out var list) ? list : ownErrors[id] = []).Add(cycleError);

        var validity = new ValidityOracle(graph, ownErrors);
        var goodOutputs = outputs.Where(validity.IsValid).ToList();
        var dependents = new DependentOutputs(components, outputs);
        var error = structural.FirstOrDefault().Error;
        if (error is null && goodOutputs.Count == 0)
            error = ValidationErrors.OutputsFailed(needed.Where(ownErrors.ContainsKey).Order().SelectMany(n => ownErrors[n]).ToList());
        if (error is not null)
            return new ValidationOutcome(null, error, NodeErrorsOf(ownErrors, graph, dependents.Of));

        var runnable = DependencyWalk.Ancestors(graph, goodOutputs);
        var prompt = new ValidatedPrompt(graph, runnable.ToDictionary(id => id, id => bound[id]), goodOutputs);
        return new ValidationOutcome(prompt, null, NodeErrorsOf(ownErrors, graph, dependents.Of));
    }

    private List<(NodeId Node, ValidationError Error)> StructuralErrors(WorkflowGraph graph) =>
        graph.Nodes.Values
            .Select(n => (n.Id, Error: n.ClassType is null ? ValidationErrors.MissingClassType(n.Id, n.Title)
                : registry.TryGet(n.ClassType, out _) ? null : ValidationErrors.UnknownClass(n.Id, n.ClassType, n.Title)))
            .Where(e => e.Error is not null)
            .Select(e => (e.Id, e.Error!))
            .ToList();

    /// <summary>Each node with errors of its own, listing the outputs that depend on it (nodes invalid only through an upstream error are left out, as ComfyUI does).</summary>
    private static ImmutableSortedDictionary<NodeId, NodeErrors> NodeErrorsOf(
        Dictionary<NodeId, List<ValidationError>> ownErrors, WorkflowGraph graph, Func<NodeId, IReadOnlyList<NodeId>> dependentOutputs) =>
        ownErrors.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => new NodeErrors(graph[kv.Key].ClassType ?? "", kv.Value, dependentOutputs(kv.Key).Select(o => o.Value).ToList()));
}
