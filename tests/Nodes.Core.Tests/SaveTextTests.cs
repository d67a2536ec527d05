using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.NodeSdk;
using Workflow.Nodes.Core.Output;
using Workflow.Testing;

namespace Workflow.Nodes.Core.Tests;

/// <summary>SaveText writes where ComfyUI would name the file, never outside the output folder.</summary>
public sealed class SaveTextTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    private string Output => _test.Engine.Paths.Output;

    private ExecutionResult Save(string value, string prefix, string format = "text") => _test.Run($$$"""
        {"1": {"class_type": "SaveText", "inputs": {"value": "{{{value}}}", "filename_prefix": "{{{prefix}}}", "format": "{{{format}}}"}}
        }
        """);

    [Fact]
    public void Files_are_numbered_after_the_highest_existing_counter()
    {
        Save("one", "notes");
        Save("two", "notes");
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "notes_00041_.png"), "");
        File.WriteAllText(Path.Combine(Output, "notesX_00090_.txt"), "");   // another prefix: ignored
        Save("three", "notes");
        Assert.Equal("one", File.ReadAllText(Path.Combine(Output, "notes_00001_.txt")));
        Assert.Equal("two", File.ReadAllText(Path.Combine(Output, "notes_00002_.txt")));
        Assert.Equal("three", File.ReadAllText(Path.Combine(Output, "notes_00042_.txt")));
    }

    [Fact]
    public void Ui_output_names_the_file_as_ComfyUI_clients_expect()
    {
        var result = Save("hello", "sub/dir/greeting");
        TestEngine.AssertJsonEqual("""
            {"text": ["hello"], "files": [{"filename": "greeting_00001_.txt", "subfolder": "sub/dir", "type": "output"}]}
            """, result.Outputs[new("1")]);
        Assert.Equal("hello", File.ReadAllText(Path.Combine(Output, "sub", "dir", "greeting_00001_.txt")));
    }

    [Fact]
    public void Json_format_wraps_the_value_with_the_node_id()
    {
        Save("42", "data", "json");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "data_00001_.json")))!;
        TestEngine.AssertJsonEqual("""{"node": "1", "value": "42"}""", json);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    public void Prefix_leading_outside_the_output_folder_is_refused(string prefix)
    {
        var result = Save("x", prefix);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal($"filename_prefix = '{prefix}': Filename prefix '{prefix}' leads outside the output folder.", result.Failure!.ExceptionMessage);
    }

    [Fact]
    public void Date_variables_in_the_prefix_are_expanded()
    {
        var target = OutputFileNames.Resolve(Output, "%year%/img_%width%x%height%", 512, 768);
        Assert.Equal(DateTime.Now.Year.ToString(), target.Subfolder);
        Assert.Equal("img_512x768", target.Name);
    }
}
