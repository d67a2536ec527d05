using Workflow.Host.Execution;
using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

/// <summary>StringList and IntRange (list outputs) and StringJoin (whole lists in), through the engine.</summary>
public sealed class ListNodesTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    private IReadOnlyList<string> Saved(string listNode, string inputs)
    {
        var result = _test.Run($$$$"""
            {"1": {"class_type": "{{{{listNode}}}}", "inputs": {{{{inputs}}}}},
             "2": {"class_type": "SaveText", "inputs": {"value": ["1", 0], "filename_prefix": "list"}}}
            """);
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        // An empty list runs SaveText no times: it shows nothing.
        return result.Outputs.TryGetValue(new("2"), out var ui) ? ui["text"]!.AsArray().Select(t => (string)t!).ToList() : [];
    }

    [Fact]
    public void StringList_gives_one_string_per_line_and_its_consumer_runs_once_for_each()
    {
        Assert.Equal(["a cat", "a dog", "a fox"], Saved("StringList", """{"text": "a cat\r\n\na dog\n  \na fox"}"""));
        Assert.Equal(3, Directory.GetFiles(_test.Engine.Paths.Output, "list_*.txt").Length);
    }

    [Theory]
    [InlineData(0, 10, 3, "0,3,6,9")]
    [InlineData(5, 0, -2, "5,3,1")]
    [InlineData(3, 3, 1, "")]
    [InlineData(0, 5, -1, "")]
    public void IntRange_counts_as_python_range_does(long start, long stop, long step, string expected) =>
        Assert.Equal(expected, string.Join(",", Saved("IntRange", $$$$"""{"start": {{{{start}}}}, "stop": {{{{stop}}}}, "step": {{{{step}}}}}""")));

    [Fact]
    public void IntRange_refuses_a_range_longer_than_the_list_limit_before_building_it()
    {
        var result = _test.Run("""
            {"1": {"class_type": "IntRange", "inputs": {"start": 0, "stop": 9000000000000000000, "step": 1}},
             "2": {"class_type": "SaveText", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("1", result.Failure!.NodeId);
        Assert.Contains("the range has 9,000,000,000,000,000,000 numbers, more than 1,048,576", result.Failure.ExceptionMessage);
    }

    [Fact]
    public void StringJoin_receives_the_whole_list_once()
    {
        var result = _test.Run("""
            {"1": {"class_type": "IntRange", "inputs": {"start": 1, "stop": 4}},
             "2": {"class_type": "ValueToString", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "StringJoin", "inputs": {"strings": ["2", 0], "delimiter": " + "}},
             "4": {"class_type": "SaveText", "inputs": {"value": ["3", 0]}}}
            """);
        Assert.Equal(["1 + 2 + 3"], result.Outputs[new("4")]["text"]!.AsArray().Select(t => (string)t!));
    }
}
