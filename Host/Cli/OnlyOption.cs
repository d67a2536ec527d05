using System.CommandLine;
using Workflow.Host.Graph;
using Workflow.Host.Registry;

namespace Workflow.Host.Cli;

/// <summary>
/// <c>--only ID</c>, repeatable: ComfyUI's partial_execution_targets on the command line, so only these output nodes
/// and what they need are checked and run. The server (as ComfyUI) skips targets that are not output nodes; the
/// command line refuses them by name, as it refuses any slip.
/// </summary>
public static class OnlyOption
{
    public static Option<string[]> Create() => new("--only")
    {
        Description = "Run only this output node and what it needs (repeatable; POST /prompt's partial_execution_targets)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The targets (null: every output), or why one cannot be a target.</summary>
    public static OnlyTargets Read(IReadOnlyList<string> ids, WorkflowGraph graph, INodeRegistry registry)
    {
        if (ids.Count == 0)
            return new(null, null);
        foreach (var id in ids)
        {
            if (graph.Find(new NodeId(id)) is not { } node)
                return new(null, $"--only {Echo.Text(id)}: the workflow has no node '{Echo.Text(id)}'.");
            if (node.ClassType is { } classType && registry.TryGet(classType, out var definition) && !definition.IsOutputNode)
                return new(null, $"--only {Echo.Text(id)}: node {Echo.Text(id)} ({Echo.Text(classType)}) is not an output node; name one that saves or shows a result.");
        }
        return new(ids.Select(id => new NodeId(id)).ToList(), null);
    }
}

/// <summary>The output nodes <c>--only</c> names (null: all of them), or the problem with one.</summary>
public sealed record OnlyTargets(IReadOnlyCollection<NodeId>? Targets, string? Problem);
