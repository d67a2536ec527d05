using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Execution;

/// <summary>The events of a run, in the order the CLI and the server rely on.</summary>
public sealed class EventTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private const string Graph = """
        {"1": {"class_type": "TestConstant", "inputs": {"value": 2}},
         "2": {"class_type": "TestSteps", "inputs": {"value": ["1", 0], "steps": 3}},
         "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
        """;

    private IEnumerable<string> Trace() => _test.Events.Select(e => e switch
    {
        ExecutionStarted => "start",
        NodesCached c => $"cached[{string.Join(",", c.Nodes)}]",
        NodeExecuting x => $"executing {x.NodeId}",
        NodeProgress p => $"progress {p.NodeId} {p.Value}/{p.Max}",
        NodeExecuted x => $"executed {x.NodeId}{(x.FromCache ? " (cached)" : "")}",
        ExecutionSucceeded => "success",
        _ => e.GetType().Name,
    });

    [Fact]
    public void First_run_reports_each_node_its_progress_and_the_outputs()
    {
        _test.Run(Graph);
        Assert.Equal(
            ["start", "cached[]", "executing 1", "executing 2", "progress 2 1/3", "progress 2 2/3", "progress 2 3/3", "executing 3", "executed 3", "success"],
            Trace());
        Assert.All(_test.Events, e => Assert.Equal(_test.Events[0].PromptId, e.PromptId));
    }

    [Fact]
    public void Cached_run_reports_the_cached_nodes_and_the_output_again()
    {
        _test.Run(Graph);
        _test.Run(Graph);
        Assert.Equal(["start", "cached[1,2,3]", "executed 3 (cached)", "success"], Trace());
        Assert.Equal("2", (string)_test.Events.OfType<NodeExecuted>().Single().Output!["value"]![0]!);
    }
}
