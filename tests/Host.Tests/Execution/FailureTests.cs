using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Execution;

/// <summary>A node that throws fails its prompt with a clear report; the engine and its cache carry on.</summary>
public sealed class FailureTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private const string Failing = """
        {"1": {"class_type": "TestConstant", "inputs": {"value": 7}},
         "2": {"class_type": "TestThrows", "inputs": {"value": ["1", 0]}},
         "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
        """;

    [Fact]
    public void Throwing_node_is_reported_with_id_type_message_and_inputs()
    {
        var result = _test.Run(Failing);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        var failure = result.Failure!;
        Assert.Equal(("2", "TestThrows", "cannot handle 7"), (failure.NodeId, failure.ClassType, failure.ExceptionMessage));
        Assert.Equal("System.InvalidOperationException", failure.ExceptionType);
        Assert.Equal("output 0 of node 1", failure.CurrentInputs["value"]);
        Assert.Equal(["1"], failure.Executed);
        Assert.Same(failure, _test.Events.OfType<ExecutionFailed>().Single().Failure);
        Assert.Empty(failure.Traceback);
    }

    [Fact]
    public void The_traceback_is_sent_only_when_stack_traces_are_asked_for()
    {
        using var verbose = new TestEngine([typeof(TestNodes).Assembly], configure: o => o with { StackTraces = true });
        var failure = verbose.Run(Failing).Failure!;
        Assert.Contains(failure.Traceback, line => line.Contains("TestThrows.Execute", StringComparison.Ordinal));
    }

    [Fact]
    public void After_a_failure_the_succeeded_nodes_stay_cached_and_other_prompts_run()
    {
        _test.Run(Failing);
        var next = _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 7}},
             "2": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": 1}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """);
        Assert.True(next.Status == ExecutionStatus.Succeeded, next.Failure?.ExceptionMessage + "\n" + string.Join("\n", next.Failure?.Traceback ?? []));
        Assert.Equal(["2", "3"], TestEngine.Ids(next.Executed));
    }

    [Fact]
    public void Listener_that_throws_does_not_stop_the_run()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """, _ => throw new InvalidOperationException("listener bug"));
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
    }
}
