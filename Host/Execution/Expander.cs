using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Workflow.Host.Caching;
using Workflow.Host.Graph;
using Workflow.Host.Registry;
using Workflow.Host.Validation;
using Workflow.NodeSdk;

namespace Workflow.Host.Execution;

/// <summary>
/// Turns a node's <see cref="Expansion"/> into nodes of the running prompt, made as a workflow's are: ids prefixed as
/// ComfyUI's GraphBuilder prefixes them ("&lt;parent&gt;.&lt;call&gt;.0.&lt;local id&gt;"), so they are the same on
/// every run; inputs written as links within the subgraph, the parent's own links and widget values, or literals;
/// each node checked as validation checks a workflow's; cache keys built from the keys upstream, so the cache serves
/// a subgraph's nodes as any other's. Bounded in nodes added per prompt and in nesting depth. Whatever is wrong fails
/// the expanding node with an <see cref="ExpansionException"/> naming the subgraph node.
/// </summary>
internal sealed class Expander(INodeRegistry registry, NodeChecker checker, RunServices services)
{
    private readonly ArrayBufferWriter<byte> _keyWriter = new(256);

    /// <summary>The subgraph of one call (<paramref name="call"/> of <paramref name="calls"/>) of <paramref name="parent"/>.</summary>
    public Subgraph Expand(DynamicPrompt prompt, BoundNode parent, (int Index, int Count) call, Expansion expansion)
    {
        var depth = CheckLimits(prompt, parent, expansion.Graph);
        var scope = new Scope(parent, expansion.Graph, call.Index, Mapped: call.Count > 1 && !parent.Definition.InputIsList);
        var written = expansion.Graph.Nodes.Select(n => Write(n, scope, prompt)).ToList();
        var bound = Bind(written, prompt);
        var index = GraphIndex.Of(written);
        if (index.Components.FirstOrDefault(index.IsCycle) is { } cycle)
            throw new ExpansionException($"The subgraph has a dependency cycle through {string.Join(", ", cycle.Order().Take(5).Select(n => Name(bound[n])))}.");
        var keys = new Dictionary<NodeId, CacheKey?>();
        Func<NodeId, CacheKey?> keyOf = source => keys.TryGetValue(source, out var key) ? key : prompt.KeyOf(source);
        foreach (var id in index.TopologicalOrder)
            keys[id] = CacheKeyBuilder.KeyOf(bound[id], Fingerprints.Of(bound[id], services.Paths, services.HostLogger), keyOf, _keyWriter);
        var real = prompt.RealIdOf(parent.Id);
        var nodes = written.Select(w => new AddedNode(w, bound[w.Id], keys[w.Id], real, depth)).ToList();
        return new Subgraph(nodes, Results(expansion, scope, bound));
    }

    /// <summary>The depth the subgraph's nodes sit at, once the limits allow them.</summary>
    private int CheckLimits(DynamicPrompt prompt, BoundNode parent, GraphBuilder graph)
    {
        var limits = services.Options.Limits;
        var depth = prompt.DepthOf(parent.Id) + 1;
        if (depth > limits.MaxExpansionDepth)
            throw new ExpansionException($"Expansions are nested {Echo.Count(depth)} deep, deeper than the limit of " +
                $"{Echo.Count(limits.MaxExpansionDepth)} (does the node expand into itself without end?).");
        if (prompt.AddedCount + graph.Nodes.Count > limits.MaxExpandedNodes)
            throw new ExpansionException($"Expansions would add {Echo.Count(prompt.AddedCount + graph.Nodes.Count)} nodes to the prompt, " +
                $"more than the limit of {Echo.Count(limits.MaxExpandedNodes)}.");
        return depth;
    }

    private static WorkflowNode Write(GraphNode node, Scope scope, DynamicPrompt prompt)
    {
        var id = scope.IdOf(node);
        if (prompt.Find(id) is not null)
            throw new ExpansionException($"The subgraph's node id {id} is already in the prompt.");
        var inputs = ImmutableSortedDictionary.CreateBuilder<string, InputValue>(StringComparer.Ordinal);
        foreach (var (name, value) in node.Inputs)
            if (Input(value, scope, $"Input '{name}' of the subgraph's node {id} ({node.ClassType})") is { } input)
                inputs[name] = input;
        return new WorkflowNode(id, node.ClassType, inputs.ToImmutable(), Title: null);
    }

    /// <summary>An input as a workflow writes it; null for a parent input left out (the node's default applies).</summary>
    private static InputValue? Input(object? value, Scope scope, string what) => value switch
    {
        GraphOutput output when output.Node.Graph == scope.Graph => new LinkInput(scope.IdOf(output.Node), output.Index),
        GraphOutput => throw new ExpansionException($"{what} links a node of another graph."),
        GraphInput input => scope.ParentValue(input.Name) switch
        {
            BoundLink link => new LinkInput(link.From, link.Output, link.Element),
            BoundLiteral { Value: null } => null,
            BoundLiteral literal => new LiteralInput(Literal(literal.Value, what)),
            _ => null,
        },
        _ => new LiteralInput(Literal(value, what)),
    };

    private static JsonElement Literal(object? value, string what) => value switch
    {
        null or string or bool or int or long or ulong or short or ushort or byte or sbyte or uint => JsonSerializer.SerializeToElement(value),
        double or float when double.IsFinite(Convert.ToDouble(value)) => JsonSerializer.SerializeToElement(value),
        Enum member => JsonSerializer.SerializeToElement(ComboOptions.EnumWireNames(member.GetType()).First(kv => kv.Value.Equals(member)).Key),
        _ => throw new ExpansionException($"{what} is a {value.GetType().Name}, which a graph cannot hold: link it from a node's output or a parent input."),
    };

    private Dictionary<NodeId, BoundNode> Bind(List<WorkflowNode> written, DynamicPrompt prompt)
    {
        var lookup = new Overlay(written.ToDictionary(n => n.Id), prompt);
        var bound = new Dictionary<NodeId, BoundNode>();
        foreach (var node in written)
        {
            if (!registry.TryGet(node.ClassType!, out _))
                throw new ExpansionException($"The subgraph's node {node.Id} is of class {node.ClassType}, which no plugin registers.");
            var check = checker.Check(lookup, node);
            bound[node.Id] = check.Node ?? throw new ExpansionException($"The subgraph's node {node.Id} ({node.ClassType}) is invalid: " +
                string.Join("; ", check.Errors.Take(3).Select(e => $"{e.Message}: {e.Details}")));
        }
        return bound;
    }

    /// <summary>One result per output of the parent: an output of a subgraph node, or a parent input, of a fitting type.</summary>
    private static List<BoundInput> Results(Expansion expansion, Scope scope, Dictionary<NodeId, BoundNode> bound)
    {
        var outputs = scope.Parent.Definition.Outputs;
        if (expansion.Results.Count != outputs.Count)
            throw new ExpansionException($"The expansion gives {expansion.Results.Count} result(s) for the node's {outputs.Count} output(s).");
        var results = new List<BoundInput>();
        for (int i = 0; i < outputs.Count; i++)
        {
            var (value, socket) = expansion.Results[i] switch
            {
                GraphOutput o when o.Node.Graph == scope.Graph && bound[scope.IdOf(o.Node)] is var source
                    => (new BoundLink(source.Id, o.Index), o.Index < source.Definition.Outputs.Count ? source.Definition.Outputs[o.Index].SocketType
                        : throw new ExpansionException($"Result {i} is output {o.Index} of {Name(source)}, which has {source.Definition.Outputs.Count} output(s).")),
                GraphInput p => (scope.ParentValue(p.Name), scope.Parent.Definition.Inputs.First(d => d.Name == p.Name).SocketType),
                _ => throw new ExpansionException($"Result {i} must be an output of one of the subgraph's nodes, or one of the node's inputs."),
            };
            if (!SocketTypeNames.AreCompatible(socket, outputs[i].SocketType))
                throw new ExpansionException($"Result {i} is {socket}, but output {i} is {outputs[i].SocketType}.");
            results.Add(value);
        }
        return results;
    }

    private static string Name(BoundNode node) => $"{node.Id} ({node.Definition.Name})";

    /// <summary>One expansion: the parent, its graph, the parent's call that made it, and whether the parent runs once per element.</summary>
    private sealed record Scope(BoundNode Parent, GraphBuilder Graph, int Call, bool Mapped)
    {
        private readonly string _prefix = $"{Parent.Id.Value}.{Call}.0.";

        public NodeId IdOf(GraphNode node) => new(_prefix + node.Id);

        /// <summary>
        /// What the parent's call received on input <paramref name="name"/>: its widget value, or its link, narrowed to
        /// this call's element where the parent runs once per element (so each call's subgraph sees what the call saw).
        /// </summary>
        public BoundInput ParentValue(string name)
        {
            var index = Parent.Definition.Inputs.ToList().FindIndex(i => i.Name == name);
            return index < 0 ? throw new ExpansionException($"The subgraph uses input '{name}' of {Parent.Definition.Name}, which has no such input.")
                : Parent.Inputs[index] is BoundLink link && Mapped ? link with { Element = link.Element ?? Call }
                : Parent.Inputs[index];
        }
    }

    /// <summary>The subgraph's nodes before the prompt's.</summary>
    private sealed class Overlay(Dictionary<NodeId, WorkflowNode> subgraph, INodeLookup prompt) : INodeLookup
    {
        public WorkflowNode? Find(NodeId id) => subgraph.TryGetValue(id, out var node) ? node : prompt.Find(id);
    }
}

/// <summary>The nodes one expansion adds, and the node's results: for each output, a link into them or a parent input.</summary>
internal sealed record Subgraph(IReadOnlyList<AddedNode> Nodes, IReadOnlyList<BoundInput> Results);

/// <summary>An expansion that cannot be run: the expanding node fails with this message.</summary>
internal sealed class ExpansionException(string message) : Exception(message);
