using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Workflow.Host.Graph;
using Workflow.Host.Registry;

namespace Workflow.Host.Validation;

/// <summary>
/// A workflow that passed validation, with its graph's index: every node the valid outputs need, bound to its
/// definition. Immutable.
/// </summary>
public sealed record ValidatedPrompt(WorkflowGraph Graph, GraphIndex Index, IReadOnlyDictionary<NodeId, BoundNode> Nodes, IReadOnlyList<NodeId> Outputs)
{
    /// <summary>These nodes in the index's order, each after the nodes it links to: each run builds its cache keys in it.</summary>
    public IReadOnlyList<NodeId> TopologicalOrder { get; } = Index.TopologicalOrder.Where(Nodes.ContainsKey).ToArray();
}

/// <summary>
/// A node with its inputs in definition order, each a converted literal or a link, and the nodes it reads: all of
/// them, and those it cannot run without (all but its lazy inputs' sources), each once.
/// </summary>
public sealed record BoundNode(NodeId Id, NodeDefinition Definition, IReadOnlyList<BoundInput> Inputs)
{
    public IReadOnlyList<NodeId> Sources { get; } = DistinctIds.Of(Inputs.OfType<BoundLink>().Select(l => l.From));

    public IReadOnlyList<NodeId> StrongSources { get; } = DistinctIds.Of(Definition.Inputs.Zip(Inputs)
        .Where(p => !p.First.Lazy).Select(p => p.Second).OfType<BoundLink>().Select(l => l.From));
}

public abstract record BoundInput;

/// <summary>A literal converted to its parameter type (null for an optional input left out).</summary>
public sealed record BoundLiteral(object? Value) : BoundInput;

/// <summary>A link; with <paramref name="Element"/>, only that element of the output is read (the last when the list is shorter).</summary>
public sealed record BoundLink(NodeId From, int Output, int? Element = null) : BoundInput;

/// <summary>The outcome of validation: a runnable prompt (perhaps with some outputs dropped) and/or errors in ComfyUI's shape.</summary>
public sealed record ValidationOutcome(ValidatedPrompt? Prompt, ValidationError? Error, ImmutableSortedDictionary<NodeId, NodeErrors> NodeErrors)
{
    /// <summary>Runnable, though outputs listed in NodeErrors were dropped (ComfyUI queues such a prompt).</summary>
    public bool CanRun => Error is null && Prompt is not null;

    /// <summary>A prompt refused before any node was looked at (unreadable or malformed file).</summary>
    public static ValidationOutcome Rejected(ValidationError error) => new(null, error, ImmutableSortedDictionary<NodeId, NodeErrors>.Empty);

    public bool HasProblems => Error is not null || NodeErrors.Count > 0;

    /// <summary><c>{"error": {...}, "node_errors": {...}}</c> as POST /prompt answers a rejected prompt.</summary>
    public JsonObject ToJson()
    {
        var nodeErrors = new JsonObject();
        foreach (var (id, errors) in NodeErrors)
            nodeErrors[id.Value] = errors.ToJson();
        return new JsonObject { ["error"] = Error?.ToJson(), ["node_errors"] = nodeErrors };
    }
}
