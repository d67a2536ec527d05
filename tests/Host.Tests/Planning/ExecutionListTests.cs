using Workflow.Host.Graph;
using Workflow.Host.Planning;

namespace Workflow.Host.Tests.Planning;

/// <summary>The execution list on its own: ComfyUI's pick order, and growing while it runs.</summary>
public sealed class ExecutionListTests
{
    /// <summary>Nodes by id with their sources; ids starting with "out" are output nodes.</summary>
    private sealed class Graph(Dictionary<string, string[]> sources) : IExecutionGraph
    {
        public IReadOnlyList<NodeId> StrongSourcesOf(NodeId id) => sources[id.Value].Select(s => new NodeId(s)).ToArray();

        public bool IsOutput(NodeId id) => id.Value.StartsWith("out", StringComparison.Ordinal);
    }

    private static List<string> Drain(ExecutionList list)
    {
        var order = new List<string>();
        while (list.TryStage(out var id))
        {
            order.Add(id.Value);
            list.Complete();
        }
        return order;
    }

    [Fact]
    public void Nodes_nearer_an_output_run_first_so_previews_appear_early()
    {
        // a → b → out1 (a is two links before an output); c → d → e → out2 (c is three).
        var graph = new Graph(new()
        {
            ["a"] = [], ["b"] = ["a"], ["out1"] = ["b"], ["c"] = [], ["d"] = ["c"], ["e"] = ["d"], ["out2"] = ["e"],
        });
        var list = new ExecutionList(graph, _ => false, _ => { });
        list.AddNode(new("out2"));
        list.AddNode(new("out1"));
        Assert.Equal(["a", "b", "out1", "c", "d", "e", "out2"], Drain(list));
    }

    [Fact]
    public void Available_sources_are_not_added()
    {
        var graph = new Graph(new() { ["a"] = [], ["b"] = ["a"], ["out"] = ["b"] });
        var list = new ExecutionList(graph, id => id.Value == "b", _ => { });
        list.AddNode(new("out"));
        Assert.Equal(["out"], Drain(list));
    }

    [Fact]
    public void An_unstaged_node_waits_for_the_link_added_to_it_and_then_runs_again()
    {
        var graph = new Graph(new() { ["lazy"] = [], ["out"] = ["switch"], ["switch"] = [] });
        var list = new ExecutionList(graph, _ => false, _ => { });
        list.AddNode(new("out"));
        Assert.True(list.TryStage(out var first));
        Assert.Equal("switch", first.Value);
        list.AddStrongLink(new("lazy"), first);
        Assert.True(list.IsStagedBlocked);
        list.Unstage();
        Assert.Equal(["lazy", "switch", "out"], Drain(list));
        Assert.True(list.IsEmpty);
    }
}
