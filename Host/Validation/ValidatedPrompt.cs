using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Workflow.Host.Graph;
using Workflow.Host.Registry;

namespace Workflow.Host.Validation;

/// <summary>A workflow that passed validation: every node the valid outputs need, bound to its definition. Immutable.</summary>
public sealed record ValidatedPrompt(WorkflowGraph Graph, IReadOnlyDictionary<NodeId, BoundNode> Nodes, IReadOnlyList<NodeId> Outputs)
{
    private IReadOnlyList<NodeId>? _order;

    /// <summary>Every node after the nodes it links to, computed once: each run builds its cache keys in this order.</summary>
    public IReadOnlyList<NodeId> TopologicalOrder => _order ??= Planning.TopologicalOrder.Of(this);
}

/// <summary>A node with its inputs in definition order, each a converted literal or a link.</summary>
public sealed record BoundNode(NodeId Id, NodeDefinition Definition, IReadOnlyList<BoundInput> Inputs)
{
    public IReadOnlyList<BoundLink> Links { get; } = Inputs.OfType<BoundLink>().ToArray();
}

public abstract record BoundInput;

/// <summary>A literal converted to its parameter type (null for an optional input left out).</summary>
public sealed record BoundLiteral(object? Value) : BoundInput;

public sealed record BoundLink(NodeId From, int Output) : BoundInput;

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
