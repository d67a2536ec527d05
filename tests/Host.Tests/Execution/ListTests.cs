using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Execution;

/// <summary>Lists as ComfyUI runs them: list outputs, nodes run once per element, the longest-list rule, nodes taking whole lists.</summary>
public sealed class ListTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private static IReadOnlyList<string> Shown(ExecutionResult result, string nodeId) =>
        result.Outputs[new(nodeId)]["value"]!.AsArray().Select(v => (string)v!).ToList();

    [Fact]
    public void A_node_fed_a_list_runs_once_per_element_and_outputs_a_list()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestRange", "inputs": {"start": 10, "count": 3}},
             "2": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": 5}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(["15", "16", "17"], Shown(result, "3"));
        Assert.Single(_test.Events.OfType<NodeExecuting>(), e => e.NodeId == "2");
    }

    [Fact]
    public void Shorter_lists_repeat_their_last_element_up_to_the_longest()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestRange", "inputs": {"start": 100, "count": 3}},
             "2": {"class_type": "TestRange", "inputs": {"start": 1, "count": 2}},
             "3": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": ["2", 0]}},
             "4": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}}}
            """);
        Assert.Equal(["101", "103", "104"], Shown(result, "4"));
    }

    [Fact]
    public void An_input_is_list_node_receives_each_whole_list_once()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestRange", "inputs": {"start": 1, "count": 4}},
             "2": {"class_type": "TestJoin", "inputs": {"values": ["1", 0], "separator": "+"}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal(["4 values, 1 separator: 1+2+3+4"], Shown(result, "3"));
    }

    [Fact]
    public void An_empty_list_runs_its_consumers_no_times()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestRange", "inputs": {"count": 0}},
             "2": {"class_type": "TestThrows", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.False(result.Outputs.ContainsKey(new("3")));
    }

    [Fact]
    public void Lists_are_cached_whole()
    {
        const string graph = """
            {"1": {"class_type": "TestRange", "inputs": {"count": 3}},
             "2": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": 1}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """;
        _test.Run(graph);
        var again = _test.Run(graph);
        Assert.Empty(again.Executed);
        Assert.Equal(["1", "2", "3"], Shown(again, "3"));
    }

    [Fact]
    public void A_list_longer_than_the_limit_fails_its_node_naming_the_limit()
    {
        using var test = new TestEngine([typeof(TestNodes).Assembly], configure: o => o with { Limits = o.Limits with { MaxListLength = 5 } });
        var result = test.Run("""
            {"1": {"class_type": "TestRange", "inputs": {"count": 6}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("1", result.Failure!.NodeId);
        Assert.Contains("list of 6 values, longer than the limit of 5", result.Failure.ExceptionMessage);
    }
}
