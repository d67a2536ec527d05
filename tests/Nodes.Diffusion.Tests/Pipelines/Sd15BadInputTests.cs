using Workflow.Nodes.Diffusion.Components;
using Microsoft.Extensions.Logging;
using Workflow.Host.Execution;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>Bad input gets a clear validation or execution error that names the node, the input and the value.</summary>
public sealed class Sd15BadInputTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);
    private static readonly string Workflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "sd15_txt2img.json"));

    public void Dispose() => _test.Dispose();

    private string Checkpoints => Directory.CreateDirectory(Path.Combine(_test.Engine.Paths.Models, "checkpoints")).FullName;

    [Fact]
    public void Missing_checkpoint_is_a_validation_error()
    {
        var result = _test.Validate(Workflow);
        var error = result.NodeErrors[new("4")].Errors.Single();
        Assert.Equal(("value_not_in_list", "ckpt_name: 'sd15-tiny' not in []"), (error.Type, error.Details));
    }

    [Theory]
    [InlineData("not-a-model.safetensors", "this is a text file")]
    [InlineData("empty.safetensors", "")]
    public void File_that_is_not_a_checkpoint_fails_naming_the_input(string name, string content)
    {
        File.WriteAllText(Path.Combine(Checkpoints, name), content);
        var result = _test.Run(Workflow.Replace("\"sd15-tiny\"", $"\"{name}\""));
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(("4", "LoadCheckpoint"), (result.Failure!.NodeId, result.Failure.ClassType));
        Assert.StartsWith($"ckpt_name = '{name}': ", result.Failure.ExceptionMessage);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Truncated_checkpoint_fails_naming_the_input()
    {
        var bytes = File.ReadAllBytes(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.WriteAllBytes(Path.Combine(Checkpoints, "truncated.safetensors"), bytes[..(bytes.Length / 2)]);
        var result = _test.Run(Workflow.Replace("\"sd15-tiny\"", "\"truncated.safetensors\""));
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.StartsWith("ckpt_name = 'truncated.safetensors': ", result.Failure!.ExceptionMessage);
        Assert.Contains("truncated.safetensors", result.Failure.ExceptionMessage[40..]);
    }

    [Fact]
    public void Safetensors_of_another_model_says_which_keys_it_lacks()
    {
        using (var tensor = torch.zeros([2]))
            SafeTensors.Save(Path.Combine(Checkpoints, "other.safetensors"), new Dictionary<string, Tensor> { ["encoder.weight"] = tensor });
        var result = _test.Run(Workflow.Replace("\"sd15-tiny\"", "\"other.safetensors\""));
        Assert.Contains("is not an SD1.x checkpoint in the original layout: no keys under model.diffusion_model., first_stage_model., cond_stage_model.transformer.", result.Failure!.ExceptionMessage);
    }

    [Fact]
    public void Width_not_a_multiple_of_8_is_a_validation_error()
    {
        var result = _test.Validate(Workflow.Replace("\"width\": 64", "\"width\": 60"));
        var error = result.NodeErrors[new("5")].Errors.Single();
        Assert.Equal(("custom_validation_failed", "width - 60 is not a multiple of 8 (latents are 1/8 of the image size)"), (error.Type, error.Details));
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Prompt_over_77_tokens_is_truncated_with_a_warning()
    {
        var paths = _test.Engine.Paths;
        Sd15Models.Install(paths.Models, Sd15Models.Folder);
        var context = new TestNodeContext(paths);
        var checkpoint = new LoadCheckpoint().Execute(context, "sd15-tiny");
        using var model = checkpoint.Model;
        using var clip = Assert.IsType<ClipModel>(checkpoint.Clip);
        using var vae = checkpoint.Vae;
        using var conditioning = new ClipEncode().Execute(context, string.Join(' ', Enumerable.Repeat("cat", 80)), clip);
        Assert.Equal([1L, clip.Encoder.Config.MaxPositionEmbeddings, Sd15Fixture.TextHiddenSize], conditioning.Entries[0].Embeddings.shape);
        var warning = context.Logs.Single(l => l.Level == LogLevel.Warning).Message;
        Assert.Equal("The following part of your input was truncated because CLIP can only handle sequences up to 77 tokens: cat cat cat cat cat", warning);
    }
}
