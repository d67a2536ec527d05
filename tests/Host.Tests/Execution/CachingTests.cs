using Workflow.Host.Tests.Support;
using Workflow.Testing;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Execution;

/// <summary>What runs on a re-run: nothing when nothing changed, and only the changed node and what depends on it otherwise.</summary>
public sealed class CachingTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    // Two branches: 1,2 → 3 (add) → 4 (output), and 5 → 6 (output).
    private static string Graph(int a = 1, int b = 2, int c = 3) => $$$"""
        {"1": {"class_type": "TestConstant", "inputs": {"value": {{{a}}}}},
         "2": {"class_type": "TestConstant", "inputs": {"value": {{{b}}}}},
         "3": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": ["2", 0]}},
         "4": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}},
         "5": {"class_type": "TestConstant", "inputs": {"value": {{{c}}}}},
         "6": {"class_type": "TestOutput", "inputs": {"value": ["5", 0]}}
        }
        """;

    [Fact]
    public void First_run_executes_every_needed_node()
    {
        var result = _test.Run(Graph());
        Assert.Equal(["1", "2", "3", "4", "5", "6"], Ids(result.Executed));
        Assert.Equal("3", ShownValue(result, "4"));
    }

    [Fact]
    public void Rerunning_an_unchanged_graph_executes_nothing()
    {
        _test.Run(Graph());
        var second = _test.Run(Graph());
        Assert.Empty(second.Executed);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], Ids(second.Cached));
        Assert.Equal("3", ShownValue(second, "4"));
    }

    [Fact]
    public void Changing_one_widget_reruns_only_that_node_and_its_dependents()
    {
        _test.Run(Graph());
        var second = _test.Run(Graph(b: 10));
        Assert.Equal(["2", "3", "4"], Ids(second.Executed));
        Assert.Equal("11", ShownValue(second, "4"));
        Assert.Equal("3", ShownValue(second, "6"));
    }

    [Fact]
    public void Node_whose_inputs_all_come_from_the_cache_runs_exactly_once()
    {
        _test.Run(Graph());
        var result = _test.Run(Graph().Replace("\"inputs\": {\"value\": [\"3\", 0]}", "\"inputs\": {\"value\": [\"3\", 0], \"unused\": 1}")
            .Replace("\"3\": {\"class_type\": \"TestAdd\"", "\"3\": {\"class_type\": \"TestSumProduct\""));
        Assert.Equal(["3", "4"], Ids(result.Executed));
        Assert.Single(_test.Events.OfType<Host.Execution.NodeExecuting>(), e => e.NodeId == "3");
    }

    [Fact]
    public void Renumbered_nodes_keep_their_cached_outputs()
    {
        _test.Run(Graph());
        var renumbered = _test.Run("""
            {"10": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "20": {"class_type": "TestConstant", "inputs": {"value": 2}},
             "30": {"class_type": "TestAdd", "inputs": {"a": ["10", 0], "b": ["20", 0]}},
             "40": {"class_type": "TestOutput", "inputs": {"value": ["30", 0]}}}
            """);
        Assert.Empty(renumbered.Executed);
    }

    [Fact]
    public void Same_value_written_differently_shares_the_cache()
    {
        _test.Run(Graph());
        Assert.Empty(_test.Run(Graph().Replace("\"value\": 1}", "\"value\": 1.0}")).Executed);
    }

    [Fact]
    public void Always_rerun_fingerprint_reruns_the_node_and_its_dependents_only()
    {
        const string graph = """
            {"1": {"class_type": "TestConstant", "inputs": {"value": 4}},
             "2": {"class_type": "TestVolatile", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """;
        _test.Run(graph);
        Assert.Equal(["2", "3"], Ids(_test.Run(graph).Executed));
    }

    [Fact]
    public void Not_idempotent_nodes_do_not_share_outputs_across_ids()
    {
        const string graph = """
            {"1": {"class_type": "TestUnique", "inputs": {"value": 4}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """;
        _test.Run(graph);
        Assert.Empty(_test.Run(graph).Executed);
        Assert.Equal(["2", "7"], Ids(_test.Run(graph.Replace("\"1\"", "\"7\"")).Executed));
    }

    [Fact]
    public void Several_outputs_of_one_node_link_by_index()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestSumProduct", "inputs": {"a": 3, "b": 4}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["1", 1]}}}
            """);
        Assert.Equal("7", ShownValue(result, "2"));
        Assert.Equal("12", ShownValue(result, "3"));
    }

    [Fact]
    public void Cached_output_nodes_still_report_their_output()
    {
        _test.Run(Graph());
        _test.Run(Graph());
        var executed = _test.Events.OfType<Host.Execution.NodeExecuted>().ToList();
        Assert.Equal(["4", "6"], executed.Select(e => e.NodeId));
        Assert.All(executed, e => Assert.True(e.FromCache));
    }
}
