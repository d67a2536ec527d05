using Workflow.Host.Graph;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using static Workflow.Testing.TestEngine;

namespace Workflow.Host.Tests.Validation;

/// <summary>Each validation error type, with the exact node_errors entry ComfyUI would send (execution.py: validate_inputs).</summary>
public sealed class NodeErrorTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(TestNodes).Assembly]);

    public void Dispose() => _test.Dispose();

    private const string IntAB = """["INT", {"min": -1000, "max": 1000, "step": 1}]""";
    private const string IntValue = """["INT", {"default": 0, "min": -100, "max": 100, "step": 1}]""";

    [Fact]
    public void Missing_required_input_is_reported_with_its_name()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual("""
            {"1": {"errors": [{"type": "required_input_missing", "message": "Required input is missing", "details": "b",
                               "extra_info": {"input_name": "b"}}],
                   "dependent_outputs": ["2"], "class_type": "TestAdd"}}
            """, result.ToJson()["node_errors"]);
        AssertJsonEqual("""
            {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
             "details": "Required input is missing: b", "extra_info": {}}
            """, result.ToJson()["error"]);
    }

    [Fact]
    public void Link_that_is_not_a_pair_is_a_bad_linked_input()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": ["3", 0, 1], "b": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestConstant", "inputs": {"value": 1}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "bad_linked_input", "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                               "details": "a", "extra_info": {"input_name": "a", "input_config": {{{IntAB}}}, "received_value": ["3", 0, 1]}}],
                   "dependent_outputs": ["2"], "class_type": "TestAdd"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Link_to_a_node_that_does_not_exist_is_a_bad_linked_input()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": ["99", 0], "b": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "bad_linked_input", "message": "Bad linked input, the linked node does not exist",
                               "details": "a: node '99' is not in the workflow",
                               "extra_info": {"input_name": "a", "input_config": {{{IntAB}}}, "received_value": ["99", 0]}}],
                   "dependent_outputs": ["2"], "class_type": "TestAdd"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Link_to_an_output_slot_the_node_lacks_is_a_bad_linked_input()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": ["3", 2], "b": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestConstant", "inputs": {"value": 1}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "bad_linked_input", "message": "Bad linked input, the linked node has no such output",
                               "details": "a: node '3' has 1 output(s), slot 2 requested",
                               "extra_info": {"input_name": "a", "input_config": {{{IntAB}}}, "received_value": ["3", 2]}}],
                   "dependent_outputs": ["2"], "class_type": "TestAdd"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Wrong_socket_type_on_a_link_is_a_return_type_mismatch()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": ["3", 0], "b": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestText", "inputs": {"text": "x"}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "return_type_mismatch", "message": "Return type mismatch between linked nodes",
                               "details": "a, received_type(STRING) mismatch input_type(INT)",
                               "extra_info": {"input_name": "a", "input_config": {{{IntAB}}}, "received_type": "STRING", "linked_node": ["3", 0]}}],
                   "dependent_outputs": ["2"], "class_type": "TestAdd"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Literal_that_does_not_convert_is_an_invalid_input_type()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": "abc"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "invalid_input_type", "message": "Failed to convert an input value to a INT value",
                               "details": "value, abc, not an integer",
                               "extra_info": {"input_name": "value", "input_config": {{{IntValue}}}, "received_value": "abc", "exception_message": "not an integer"}}],
                   "dependent_outputs": ["2"], "class_type": "TestConstant"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Literal_below_min_is_value_smaller_than_min()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": -101}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "value_smaller_than_min", "message": "Value -101 smaller than min of -100", "details": "value",
                               "extra_info": {"input_name": "value", "input_config": {{{IntValue}}}, "received_value": -101}}],
                   "dependent_outputs": ["2"], "class_type": "TestConstant"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Literal_above_max_is_value_bigger_than_max()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 101}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual($$$"""
            {"1": {"errors": [{"type": "value_bigger_than_max", "message": "Value 101 bigger than max of 100", "details": "value",
                               "extra_info": {"input_name": "value", "input_config": {{{IntValue}}}, "received_value": 101}}],
                   "dependent_outputs": ["2"], "class_type": "TestConstant"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Combo_value_outside_its_options_is_value_not_in_list()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestChoice", "inputs": {"color": "purple"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual("""
            {"1": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
                               "details": "color: 'purple' not in ['red', 'green', 'blue']",
                               "extra_info": {"input_name": "color", "input_config": [["red", "green", "blue"], {"default": "red"}], "received_value": "purple"}}],
                   "dependent_outputs": ["2"], "class_type": "TestChoice"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Enum_combo_lists_its_wire_names()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestChoice", "inputs": {"mode": "slow"}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("mode: 'slow' not in ['fast', 'very_slow']", (string)result.ToJson()["node_errors"]!["1"]!["errors"]![0]!["details"]!);
    }

    [Fact]
    public void Node_own_check_failing_is_custom_validation_failed()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestEven", "inputs": {"number": 3}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual("""
            {"1": {"errors": [{"type": "custom_validation_failed", "message": "Custom validation failed for node",
                               "details": "number - must be even", "extra_info": {"input_name": "number"}}],
                   "dependent_outputs": ["2"], "class_type": "TestEven"}}
            """, result.ToJson()["node_errors"]);
    }

    [Fact]
    public void Cycle_is_reported_once_on_its_lowest_node_with_its_path()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": ["2", 0], "b": 1}},
             "2": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": 1}},
             "3": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        AssertJsonEqual("""
            {"1": {"errors": [{"type": "dependency_cycle", "message": "Dependency cycle detected",
                               "details": "1 (TestAdd) -> 2 (TestAdd) -> 1 (TestAdd)",
                               "extra_info": {"node_id": "1", "cycle_nodes": ["1", "2"], "cycle_nodes_left_out": 0}}],
                   "dependent_outputs": ["3"], "class_type": "TestAdd"}}
            """, result.ToJson()["node_errors"]);
        Assert.Equal("prompt_outputs_failed_validation", result.Error!.Type);
    }

    [Fact]
    public void Dependent_outputs_of_a_long_failing_chain_are_the_20_lowest_ids_that_need_each_node()
    {
        // 60 TestAdd nodes in a chain, each with a value out of range, each saved: node i is needed by outputs i..60.
        var nodes = Enumerable.Range(1, 60).Select(i =>
            $"\"{i}\": {{\"class_type\": \"TestAdd\", \"inputs\": {{\"a\": {(i == 1 ? "1" : $"[\"{i - 1}\", 0]")}, \"b\": 5000}}}}, " +
            $"\"{1000 + i}\": {{\"class_type\": \"TestOutput\", \"inputs\": {{\"value\": [\"{i}\", 0]}}}}");
        var result = _test.Validate("{" + string.Join(",", nodes) + "}");

        foreach (var i in new[] { 1, 30, 45, 60 })
        {
            var expected = Enumerable.Range(i, 61 - i).Take(20).Select(o => $"{1000 + o}");
            Assert.Equal(expected, result.NodeErrors[new NodeId($"{i}")].DependentOutputs);
        }
    }

    [Fact]
    public void Node_linking_to_itself_is_a_cycle()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestAdd", "inputs": {"a": ["1", 0], "b": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}}}
            """);
        Assert.Equal("1 (TestAdd) -> 1 (TestAdd)", result.NodeErrors.Single().Value.Errors.Single().Details);
    }

    [Fact]
    public void Unknown_class_fails_the_prompt_and_every_unknown_node_is_listed()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "5": {"class_type": "NoSuchNode", "inputs": {}},
             "6": {"class_type": "AlsoMissing", "inputs": {}, "_meta": {"title": "My Node"}}}
            """);
        AssertJsonEqual("""
            {"type": "missing_node_type", "message": "Node 'NoSuchNode' not found. The custom node may not be installed.",
             "details": "Node ID '#5'", "extra_info": {"node_id": "5", "class_type": "NoSuchNode", "node_title": "NoSuchNode"}}
            """, result.ToJson()["error"]);
        Assert.Equal(["5", "6"], result.NodeErrors.Keys.Select(k => k.Value));
        Assert.Equal("Node 'My Node' not found. The custom node may not be installed.", result.NodeErrors.Values.Last().Errors[0].Message);
        Assert.False(result.CanRun);
    }

    [Fact]
    public void Node_without_class_type_fails_the_prompt()
    {
        var result = _test.Validate("""
            {"1": {"inputs": {"value": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": 1}}}
            """);
        AssertJsonEqual("""
            {"type": "missing_node_type", "message": "Node 'ID #1' has no class_type. The workflow may be corrupted or a custom node is missing.",
             "details": "Node ID '#1'", "extra_info": {"node_id": "1", "class_type": null, "node_title": null}}
            """, result.ToJson()["error"]);
    }

    [Fact]
    public void Workflow_without_output_nodes_has_no_outputs()
    {
        var result = _test.Validate("""{"1": {"class_type": "TestConstant", "inputs": {"value": 1}}}""");
        AssertJsonEqual("""{"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}}, "node_errors": {}}""", result.ToJson());
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 500}},
             "2": {"class_type": "TestAdd", "inputs": {"a": ["1", 0]}},
             "3": {"class_type": "TestChoice", "inputs": {"color": "black", "strength": 2}},
             "4": {"class_type": "TestOutput", "inputs": {"value": ["2", 0]}},
             "5": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}}}
            """);
        var types = result.NodeErrors.ToDictionary(kv => kv.Key.Value, kv => kv.Value.Errors.Select(e => e.Type).ToList());
        Assert.Equal(["value_bigger_than_max"], types["1"]);
        Assert.Equal(["required_input_missing"], types["2"]);
        Assert.Equal(["value_not_in_list", "value_bigger_than_max"], types["3"]);
        Assert.Equal(["4"], result.NodeErrors[new("1")].DependentOutputs);
    }

    [Fact]
    public void Valid_outputs_still_run_when_another_output_fails_validation()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestConstant", "inputs": {"value": 1000}},
             "4": {"class_type": "TestOutput", "inputs": {"value": ["3", 0]}}}
            """);
        Assert.True(result.CanRun);
        Assert.Equal(["2"], result.Prompt!.Outputs.Select(o => o.Value));
        Assert.Equal(["3"], result.NodeErrors.Keys.Select(k => k.Value));
        Assert.Null(result.Error);
    }

    [Fact]
    public void Nodes_no_output_needs_are_not_checked()
    {
        var result = _test.Validate("""
            {"1": {"class_type": "TestConstant", "inputs": {"value": 1}},
             "2": {"class_type": "TestOutput", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestConstant", "inputs": {"value": "not a number"}}}
            """);
        Assert.False(result.HasProblems);
        Assert.False(result.Prompt!.Nodes.ContainsKey(new("3")));
    }
}
