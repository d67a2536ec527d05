using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Execution;

/// <summary>Node expansion as ComfyUI's: a node returns a subgraph, which runs in its place, is cached, and fails under its id.</summary>
public sealed class ExpansionTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private static string Repeat(int value, int times) => $$$$"""
        {"1": {"class_type": "TestConstant", "inputs": {"value": {{{{value}}}}}},
         "2": {"class_type": "TestRepeatAdd", "inputs": {"value": ["1", 0], "times": {{{{times}}}}, "step": 10}},
         "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
        """;

    [Fact]
    public void The_subgraph_runs_under_stable_ids_and_its_result_is_the_nodes_output()
    {
        var result = _test.Run(Repeat(value: 1, times: 3));
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("31", ShownValue(result, "3"));
        Assert.Equal(["1", "2", "2.0.0.1", "2.0.0.2", "2.0.0.3", "3"], Ids(result.Executed));
        Assert.All(_test.Events.OfType<NodeExecuting>().Where(e => e.NodeId.StartsWith("2.", StringComparison.Ordinal)), e => Assert.Equal("2", e.DisplayNodeId));
    }

    [Fact]
    public void A_second_run_executes_nothing()
    {
        _test.Run(Repeat(value: 1, times: 3));
        var again = _test.Run(Repeat(value: 1, times: 3));
        Assert.Empty(again.Executed);
        Assert.Equal("31", ShownValue(again, "3"));
    }

    [Fact]
    public void A_changed_parent_reruns_and_finds_its_unchanged_subgraph_nodes_in_the_cache()
    {
        _test.Run(Repeat(value: 1, times: 2));
        var more = _test.Run(Repeat(value: 1, times: 3));
        Assert.Equal(["2", "2.0.0.3", "3"], Ids(more.Executed));
        Assert.Equal("31", ShownValue(more, "3"));
    }

    [Fact]
    public void A_failing_subgraph_node_is_reported_under_the_expanding_nodes_id()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 5}},
             "2": {"class_type": "TestExpandInto", "inputs": {"value": ["1", 0], "class_type": "TestThrows"}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(("2", "TestExpandInto"), (result.Failure!.NodeId, result.Failure.ClassType));
        Assert.Equal("2.0.0.1 (TestThrows): cannot handle 5", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void An_invalid_subgraph_fails_the_expanding_node_naming_the_subgraph_node()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 5}},
             "2": {"class_type": "TestExpandInto", "inputs": {"value": ["1", 0], "class_type": "NoSuchNode"}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal("2", result.Failure!.NodeId);
        Assert.Equal("The subgraph's node 2.0.0.1 is of class NoSuchNode, which no plugin registers.", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void A_node_expanding_into_itself_stops_at_the_depth_limit_naming_it()
    {
        using var test = new TestEngine([typeof(TestNodes).Assembly], configure: o => o with { Limits = o.Limits with { MaxExpansionDepth = 50 } });
        var result = test.Run("""
            {"1": {"class_type": "TestExpandInto", "inputs": {"value": 1, "class_type": "TestExpandInto"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("1", result.Failure!.NodeId);
        Assert.Contains("Expansions are nested 51 deep, deeper than the limit of 50", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void The_default_depth_limit_ends_an_endless_expansion_within_seconds()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = _test.Run("""
            {"1": {"class_type": "TestExpandInto", "inputs": {"value": 1, "class_type": "TestExpandInto"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Contains($"deeper than the limit of {Host.Graph.Echo.Count(NodeSdk.InputLimits.DefaultMaxExpansionDepth)}", result.Failure!.ExceptionMessage);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void An_expansion_that_doubles_at_every_level_stops_at_the_node_limit()
    {
        using var test = new TestEngine([typeof(TestNodes).Assembly], configure: o => o with { Limits = o.Limits with { MaxExpandedNodes = 1000 } });
        var result = test.Run("""
            {"1": {"class_type": "TestExpandInto", "inputs": {"value": 1, "class_type": "TestExpandInto", "copies": 2}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("1", result.Failure!.NodeId);
        Assert.Contains("more than the limit of 1,000", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void A_subgraph_too_large_to_build_fails_its_node_before_it_is_built()
    {
        using var test = new TestEngine([typeof(TestNodes).Assembly], configure: o => o with { Limits = o.Limits with { MaxExpandedNodes = 1000 } });
        var result = test.Run("""
            {"1": {"class_type": "TestExpandInto", "inputs": {"value": 1, "class_type": "TestConstant", "copies": 1000000}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("1", result.Failure!.NodeId);
        Assert.Contains("more than 1,000 nodes", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void A_node_fed_a_list_expands_once_per_element()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestRange", "inputs": {"start": 1, "count": 2}},
             "2": {"class_type": "TestRepeatAdd", "inputs": {"value": ["1", 0], "times": 1, "step": 100}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal(["101", "102"], result.Outputs[new("3")]["value"]!.AsArray().Select(v => (string)v!));
        Assert.Contains(new Host.Graph.NodeId("2.1.0.1"), result.Executed);
    }
}
