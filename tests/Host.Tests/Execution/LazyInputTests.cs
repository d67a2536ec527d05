using Workflow.Host.Execution;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Execution;

/// <summary>Lazy inputs as ComfyUI's check_lazy_status: evaluated only when asked for, possibly in a later round.</summary>
public sealed class LazyInputTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    // 2 (a node that would fail) feeds on_false, 4 feeds on_true; 5 picks.
    private static string Switch(bool pick) => $$$$"""
        {"1": {"class_type": "TestConstant", "inputs": {"value": 7}},
         "2": {"class_type": "TestThrows", "inputs": {"value": ["1", 0]}},
         "3": {"class_type": "TestConstant", "inputs": {"value": 42}},
         "4": {"class_type": "TestAdd", "inputs": {"a": ["3", 0], "b": 0}},
         "5": {"class_type": "TestSwitch", "inputs": {"pick": {{{{pick.ToString().ToLowerInvariant()}}}}, "on_true": ["4", 0], "on_false": ["2", 0]}},
         "6": {"class_type": "TestOutput", "inputs": {"value": ["5", 0]}}}
        """;

    [Fact]
    public void A_switch_runs_only_the_branch_it_picks_and_a_failing_unused_branch_does_not_fail_the_prompt()
    {
        var result = _test.Run(Switch(pick: true));
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("42", ShownValue(result, "6"));
        Assert.Equal(["3", "4", "5", "6"], Ids(result.Executed));
    }

    [Fact]
    public void Picking_the_failing_branch_fails_on_its_node()
    {
        var result = _test.Run(Switch(pick: false));
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("2", result.Failure!.NodeId);
    }

    [Fact]
    public void A_lazy_input_asked_for_in_a_second_round_is_evaluated_then()
    {
        const string graph = """
            {"1": {"class_type": "TestConstant", "inputs": {"value": 3}},
             "2": {"class_type": "TestConstant", "inputs": {"value": 9}},
             "3": {"class_type": "TestTwoRounds", "inputs": {"first": ["1", 0], "second": ["2", 0]}},
             "4": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}}}
            """;
        var result = _test.Run(graph);
        Assert.Equal("3009", ShownValue(result, "4"));
        var order = _test.Events.OfType<NodeExecuting>().Select(e => e.NodeId).ToList();
        Assert.Equal(["3", "1", "2", "4"], order);
    }

    [Fact]
    public void A_lazy_input_not_asked_for_is_never_evaluated()
    {
        var result = _test.Run("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 0}},
             "2": {"class_type": "TestThrows", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestTwoRounds", "inputs": {"first": ["1", 0], "second": ["2", 0]}},
             "4": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("-1", ShownValue(result, "4"));
        Assert.DoesNotContain(new Host.Graph.NodeId("2"), result.Executed);
    }

    [Fact]
    public void Changing_the_unused_branch_reruns_the_switch_but_not_the_branch_it_picks()
    {
        _test.Run(Switch(pick: true));
        var result = _test.Run(Switch(pick: true).Replace("\"value\": 7", "\"value\": 8"));
        Assert.Equal(["5", "6"], Ids(result.Executed));
        Assert.Equal("42", ShownValue(result, "6"));
    }

    [Fact]
    public void Object_info_marks_lazy_inputs_as_comfyui_does()
    {
        _test.Engine.Registry.TryGet("TestSwitch", out var definition);
        var info = Host.Registry.ObjectInfo.ForNode(definition, "TestSwitch", _test.Engine.Paths);
        AssertJsonEqual("""["*", {"lazy": true}]""", info["input"]!["required"]!["on_true"]);
    }
}
