using Workflow.Host.Execution;
using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

/// <summary>Switch evaluates only the input it picks.</summary>
public sealed class SwitchTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    // on_false divides by zero; on_true is 6 × 7. ComfyUI's class name.
    private static string Graph(bool pick) => $$$$"""
        {"1": {"class_type": "IntArithmetic", "inputs": {"a": 1, "b": 0, "operation": "divide"}},
         "2": {"class_type": "IntArithmetic", "inputs": {"a": 6, "b": 7, "operation": "multiply"}},
         "3": {"class_type": "ComfySwitchNode", "inputs": {"switch": {{{{pick.ToString().ToLowerInvariant()}}}}, "on_false": ["1", 0], "on_true": ["2", 0]}},
         "4": {"class_type": "SaveText", "inputs": {"value": ["3", 0]}}}
        """;

    [Fact]
    public void The_picked_branch_runs_and_the_failing_one_does_not()
    {
        var result = _test.Run(Graph(pick: true));
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        Assert.Equal("42", (string)result.Outputs[new("4")]["text"]![0]!);
        Assert.DoesNotContain(new Host.Graph.NodeId("1"), result.Executed);
    }

    [Fact]
    public void Picking_the_failing_branch_fails_on_it()
    {
        var result = _test.Run(Graph(pick: false));
        Assert.Equal(("1", "b = 0: division by zero"), (result.Failure!.NodeId, result.Failure.ExceptionMessage));
    }
}
