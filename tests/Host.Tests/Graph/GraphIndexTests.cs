using Workflow.Host.Graph;
using Workflow.Testing;

namespace Workflow.Host.Tests.Graph;

/// <summary>The one index of a graph's links that validation, planning, keys and the run loop share.</summary>
public sealed class GraphIndexTests
{
    // 1 → 3 ← 2, 3 → 4, and a cycle 5 ⇄ 6 feeding 7; node 8 links to a node that does not exist.
    private static readonly GraphIndex Index = GraphIndex.Of(TestEngine.Parse("""
        {"1": {"class_type": "A", "inputs": {}},
         "2": {"class_type": "A", "inputs": {}},
         "3": {"class_type": "A", "inputs": {"x": ["1", 0], "y": ["2", 0], "z": ["1", 1]}},
         "4": {"class_type": "A", "inputs": {"x": ["3", 0]}},
         "5": {"class_type": "A", "inputs": {"x": ["6", 0]}},
         "6": {"class_type": "A", "inputs": {"x": ["5", 0]}},
         "7": {"class_type": "A", "inputs": {"x": ["6", 0]}},
         "8": {"class_type": "A", "inputs": {"x": ["99", 0]}}}
        """));

    private static IReadOnlyList<string> Ids(IEnumerable<NodeId> ids) => ids.Select(i => i.Value).ToList();

    [Fact]
    public void Sources_and_consumers_are_listed_once_in_id_order_without_missing_nodes()
    {
        Assert.Equal(["1", "2"], Ids(Index.SourcesOf(new("3"))));
        Assert.Equal(["3"], Ids(Index.ConsumersOf(new("1"))));
        Assert.Empty(Index.SourcesOf(new("8")));
    }

    [Fact]
    public void Ancestors_and_descendants_include_the_nodes_themselves()
    {
        Assert.Equal(["1", "2", "3", "4"], Ids(Index.Ancestors([new("4")]).Order()));
        Assert.Equal(["5", "6", "7"], Ids(Index.Descendants([new("5")]).Order()));
    }

    [Fact]
    public void The_order_puts_every_node_after_its_sources_and_cycles_together()
    {
        var position = Index.TopologicalOrder.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        Assert.True(position[new("1")] < position[new("3")] && position[new("2")] < position[new("3")] && position[new("3")] < position[new("4")]);
        Assert.Equal([["5", "6"]], Index.Components.Where(Index.IsCycle).Select(c => Ids(c.Order())));
    }
}
