namespace Workflow.NodeSdk;

/// <summary>
/// What a node returns to run a subgraph in its place (ComfyUI's node expansion, the basis of loops and of group
/// nodes): the host adds the graph's nodes to the running prompt, runs what the results need, and the node's outputs
/// are the results. Declare <c>Expansion&lt;T&gt;</c> as Execute's return type; <c>T</c> gives the outputs as any
/// return type does (a socket type, or an <see cref="INodeOutputs"/> record). The node is cached by its own inputs,
/// like any node; the subgraph's nodes are cached by theirs.
/// </summary>
public abstract class Expansion
{
    private protected Expansion(GraphBuilder graph, IReadOnlyList<GraphValue> results) => (Graph, Results) = (graph, results);

    public GraphBuilder Graph { get; }

    /// <summary>One per output of the node, in order: an output of a subgraph node, or one of the node's own inputs passed on.</summary>
    public IReadOnlyList<GraphValue> Results { get; }
}

/// <inheritdoc cref="Expansion"/>
public sealed class Expansion<TOutputs>(GraphBuilder graph, params GraphValue[] results) : Expansion(graph, results);
