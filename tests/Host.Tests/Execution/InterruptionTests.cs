using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Execution;

/// <summary>Cancellation stops at the next step boundary or between nodes, and leaves the cache consistent.</summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private const string Graph = """
        {"1": {"class_type": "TestConstant", "inputs": {"value": 5}},
         "2": {"class_type": "TestSteps", "inputs": {"value": ["1", 0], "steps": 100}},
         "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
        """;

    [Fact]
    public void Interrupt_stops_a_node_at_its_next_progress_point()
    {
        using var cts = new CancellationTokenSource();
        var result = _test.Run(Graph, e =>
        {
            if (e is NodeProgress { Value: 10 })
                cts.Cancel();
        }, cts.Token);

        Assert.Equal(ExecutionStatus.Interrupted, result.Status);
        Assert.Equal(10, _test.Events.OfType<NodeProgress>().Max(p => p.Value));
        var interrupted = _test.Events.OfType<ExecutionInterrupted>().Single();
        Assert.Equal(("2", "TestSteps"), (interrupted.NodeId, interrupted.ClassType));
        Assert.Equal(["1"], interrupted.Executed);
    }

    [Fact]
    public void Interrupted_node_is_not_cached_but_what_finished_before_it_is()
    {
        using var cts = new CancellationTokenSource();
        _test.Run(Graph, e => { if (e is NodeProgress { Value: 3 }) cts.Cancel(); }, cts.Token);

        var rerun = _test.Run(Graph);
        Assert.Equal(ExecutionStatus.Succeeded, rerun.Status);
        Assert.Equal(["2", "3"], TestEngine.Ids(rerun.Executed));
        Assert.Equal(100, _test.Events.OfType<NodeProgress>().Count());
    }

    [Fact]
    public void Interrupt_between_nodes_stops_before_the_next_node()
    {
        using var cts = new CancellationTokenSource();
        var result = _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 5}},
             "2": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": 1}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """, e => { if (e is NodeExecuting { NodeId: "2" }) cts.Cancel(); }, cts.Token);

        Assert.Equal(ExecutionStatus.Interrupted, result.Status);
        Assert.Equal(["1", "2"], TestEngine.Ids(result.Executed));
        Assert.Equal("3", _test.Events.OfType<ExecutionInterrupted>().Single().NodeId);
    }
}
