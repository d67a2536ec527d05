using Workflow.Host.Execution;
using Workflow.Host.Registry;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Execution;

/// <summary>Execute may return Task&lt;T&gt; or ValueTask&lt;T&gt; and take the prompt's CancellationToken, as ASP.NET Core handlers do.</summary>
public sealed class AsyncNodeTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    [Fact]
    public void Task_and_ValueTask_results_are_awaited_and_flow_on_as_values()
    {
        var result = _test.RunSucceeded("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 21}},
             "2": {"class_type": "TestAsyncDouble", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestValueTaskText", "inputs": {"value": ["2", 0]}},
             "4": {"class_type": "TestAsyncOutput", "inputs": {"text": ["3", 0]}}}
            """);
        Assert.Equal("n=42", TestEngine.ShownValue(result, "4"));
    }

    [Fact]
    public void Schema_shows_the_awaited_type_and_no_input_for_the_cancellation_token()
    {
        Assert.True(_test.Engine.Registry.TryGet("TestAsyncDouble", out var definition));
        Assert.Equal(["value"], definition.Inputs.Select(i => i.Name));
        Assert.Equal("INT", Assert.Single(definition.Outputs).SocketType);
        Assert.True(_test.Engine.Registry.TryGet("TestAsyncOutput", out var output));
        Assert.Empty(output.Outputs);
    }

    [Fact]
    public async Task Cancellation_token_parameter_is_the_prompts_interruption()
    {
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "2": {"class_type": "TestAwaitCancellation", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}}}
            """, e => { if (e is NodeProgress { NodeId: "2" }) cts.Cancel(); }, cts.Token));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));   // the node waits for ever unless its token is the prompt's
        Assert.Equal(ExecutionStatus.Interrupted, result.Status);
        Assert.Equal(("2", "TestAwaitCancellation"), _test.Events.OfType<ExecutionInterrupted>().Select(i => (i.NodeId, i.ClassType)).Single());
    }

    [Fact]
    public void A_task_taken_as_an_input_is_refused_with_advice_that_fits()
    {
        var read = NodeDefinitionReader.Read(typeof(TaskInput), "test");
        Assert.Null(read.Definition);
        Assert.Equal("Input 'value': type Task<Int64> is a task: only Execute's return type may be one (Task<T> or ValueTask<T>); take the value itself as the input.",
            Assert.Single(read.Problems));
    }

    [NodeSdk.Node("TaskInput")]
    private sealed class TaskInput : NodeSdk.INode
    {
        public Task<long> Execute(Task<long> value) => value;
    }
}
