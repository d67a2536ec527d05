using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Nodes.Core.Latents;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Core.Tests;

/// <summary>
/// SaveLatent and LoadLatent as ComfyUI's: the .latent file's tensor names, format marker and metadata, video latents of
/// any rank kept bit for bit, the legacy scale of files without the marker, and the input folder's .latent files as the
/// options.
/// </summary>
public sealed class LatentNodesTests : IDisposable
{
    private readonly TestEngine _test = CoreEngine.Create();

    public void Dispose() => _test.Dispose();

    private string Input => Directory.CreateDirectory(_test.Engine.Paths.Input).FullName;

    [Fact]
    public void A_saved_video_latent_is_comfyuis_file_and_loads_back_bit_for_bit()
    {
        using var scope = torch.NewDisposeScope();
        var samples = torch.randn([1, 8, 5, 2, 3], new Generator(3));
        var ui = new SaveLatent().Execute(new TestNodeContext(_test.Engine.Paths), new Latent(samples.clone()), "latents/clip");

        var written = ui.ToJson()["latents"]![0]!;
        Assert.Equal(("clip_00001_.latent", "latents", "output"), ((string)written["filename"]!, (string)written["subfolder"]!, (string)written["type"]!));
        var path = Path.Combine(_test.Engine.Paths.Output, "latents", "clip_00001_.latent");
        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.Equal(["latent_format_version_0", "latent_tensor"], file.Entries.Select(e => e.Name));
            Assert.Equal([0L], ((ITensorFile)file).Shape("latent_format_version_0"));
            Assert.Equal("", file.Metadata["prompt"]);
        }
        File.Copy(path, Path.Combine(Input, "clip.latent"));
        var loaded = new LoadLatent().Execute(new TestNodeContext(_test.Engine.Paths), "clip.latent").Samples;
        Assert.True(samples.equal(loaded));
    }

    [Fact]
    public void A_file_without_the_format_marker_holds_latents_scaled_by_sd1s_factor()
    {
        using var scope = torch.NewDisposeScope();
        var samples = torch.randn([1, 4, 8, 8], new Generator(4));
        SafeTensors.Save(Path.Combine(Input, "old.latent"), new Dictionary<string, Tensor> { ["latent_tensor"] = samples });

        var loaded = new LoadLatent().Execute(new TestNodeContext(_test.Engine.Paths), "old.latent").Samples;
        Assert.True(loaded.equal(samples * (1.0 / 0.18215)));
    }

    [Fact]
    public void Through_the_engine_the_workflow_is_embedded_and_a_replaced_file_reruns_the_loader()
    {
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(Path.Combine(Input, "in.latent"), new Dictionary<string, Tensor>
        {
            ["latent_tensor"] = torch.ones([1, 2, 3, 4, 4]),
            ["latent_format_version_0"] = torch.zeros([0]),
        });
        const string workflow = """
            {"1": {"class_type": "LoadLatent", "inputs": {"latent": "in.latent"}},
             "2": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0], "filename_prefix": "copy"}}}
            """;
        Assert.Equal(ExecutionStatus.Succeeded, _test.Run(workflow).Status);
        using (var file = SafeTensorsFile.Open(Path.Combine(_test.Engine.Paths.Output, "copy_00001_.latent")))
        {
            Assert.Equal("LoadLatent", (string)JsonNode.Parse(file.Metadata["prompt"])!["1"]!["class_type"]!);
            Assert.True(file.Load("latent_tensor").equal(torch.ones([1, 2, 3, 4, 4])));
        }

        Assert.Empty(_test.Run(workflow).Executed);
        SafeTensors.Save(Path.Combine(Input, "in.latent"), new Dictionary<string, Tensor>
        {
            ["latent_tensor"] = torch.zeros([1, 2, 3, 4, 4]),
            ["latent_format_version_0"] = torch.zeros([0]),
        });
        Assert.Equal(["1", "2"], TestEngine.Ids(_test.Run(workflow).Executed));
    }

    [Fact]
    public void The_options_are_the_input_folders_latent_files_and_a_missing_one_fails_validation()
    {
        File.WriteAllText(Path.Combine(Input, "b.latent"), "");
        File.WriteAllText(Path.Combine(Input, "a.latent"), "");
        File.WriteAllText(Path.Combine(Input, "picture.png"), "");
        Assert.Equal(["a.latent", "b.latent"], new LoadLatent.LatentFiles().GetOptions(_test.Engine.Paths));

        var result = _test.Validate("""
            {"1": {"class_type": "LoadLatent", "inputs": {"latent": "nowhere.latent"}},
             "2": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0]}}}
            """);
        var error = result.NodeErrors[new("1")].Errors.Single();
        Assert.Equal(("custom_validation_failed", "latent - Invalid latent file: nowhere.latent"), (error.Type, error.Details));
    }

    [Fact]
    public void A_file_that_is_not_a_latent_fails_naming_the_input()
    {
        File.WriteAllText(Path.Combine(Input, "notes.latent"), "not a latent");
        var result = _test.Run("""
            {"1": {"class_type": "LoadLatent", "inputs": {"latent": "notes.latent"}},
             "2": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0]}}}
            """);
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.StartsWith("latent = 'notes.latent': ", result.Failure!.ExceptionMessage);
    }

    [Fact]
    public void A_safetensors_file_without_latent_tensor_fails_naming_the_input_and_the_tensor()
    {
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(Path.Combine(Input, "weights.latent"), new Dictionary<string, Tensor> { ["conv.weight"] = torch.ones([2, 2]) });

        var error = Assert.Throws<InputException>(() => new LoadLatent().Execute(new TestNodeContext(_test.Engine.Paths), "weights.latent"));
        Assert.Equal(("latent", "latent = 'weights.latent': the file has no latent_tensor tensor"), (error.InputName, error.Message));
    }

    [Fact]
    public void A_prefix_leaving_the_output_folder_fails_naming_filename_prefix()
    {
        using var scope = torch.NewDisposeScope();
        using var latent = new Latent(torch.zeros([1, 4, 2, 2]));

        var error = Assert.Throws<InputException>(() => new SaveLatent().Execute(new TestNodeContext(_test.Engine.Paths), latent, "../outside"));
        Assert.Equal("filename_prefix", error.InputName);
        Assert.False(File.Exists(Path.Combine(_test.BaseDirectory, "outside_00001_.latent")));
    }
}
