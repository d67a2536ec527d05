using Workflow.Host.Graph;

namespace Workflow.Host.Tests.Graph;

/// <summary>Reading ComfyUI's API format and telling the user exactly what is wrong with a file that is not one.</summary>
public sealed class WorkflowJsonTests
{
    [Fact]
    public void Malformed_json_reports_line_and_column()
    {
        var result = WorkflowJson.Parse("{\n  \"1\": {\"class_type\": \"X\",\n    \"inputs\": {\"a\": 1,}}\n}");
        Assert.Null(result.Graph);
        Assert.Equal((3, 23), (result.Line, result.Column));   // at the '}' the trailing comma left dangling
        Assert.StartsWith("Malformed JSON at line 3, column 23:", result.Error);
        Assert.DoesNotContain("LineNumber", result.Error);
    }

    [Fact]
    public void Ui_format_is_recognised_and_explained()
    {
        var result = WorkflowJson.Parse("""{"last_node_id": 3, "nodes": [], "links": [], "version": 0.4}""");
        Assert.Contains("UI-format workflow", result.Error);
        Assert.Contains("Save (API Format)", result.Error);
    }

    [Fact]
    public void Links_literals_and_wrapped_lists_are_told_apart()
    {
        var graph = WorkflowJson.Parse("""
            {"1": {"class_type": "X", "inputs": {"link": ["4", 1], "numeric_id": [4, 0], "literal": 3,
                                                  "list": {"__value__": [1, 2]}, "bad": ["4"]}}}
            """).Graph!;
        var inputs = graph[new NodeId("1")].Inputs;
        Assert.Equal(new LinkInput(new NodeId("4"), 1), inputs["link"]);
        Assert.Equal(new LinkInput(new NodeId("4"), 0), inputs["numeric_id"]);
        Assert.IsType<LiteralInput>(inputs["literal"]);
        Assert.Equal("[1,2]", ((LiteralInput)inputs["list"]).Value.GetRawText());
        Assert.IsType<MalformedLink>(inputs["bad"]);
    }

    [Fact]
    public void Post_prompt_body_is_unwrapped_with_its_extra_pnginfo()
    {
        var graph = WorkflowJson.Parse("""
            {"client_id": "c", "prompt": {"1": {"class_type": "X", "inputs": {}}},
             "extra_data": {"extra_pnginfo": {"workflow": {"nodes": []}}}}
            """).Graph!;
        Assert.True(graph.Contains(new NodeId("1")));
        Assert.NotNull(graph.ExtraPngInfo!["workflow"]);
    }

    [Fact]
    public void Node_ids_order_numerically_then_textually()
    {
        var ids = new[] { "10", "9", "a", "2", "10.1" }.Select(i => new NodeId(i)).Order().Select(i => i.Value);
        Assert.Equal(["2", "9", "10", "10.1", "a"], ids);
    }
}
