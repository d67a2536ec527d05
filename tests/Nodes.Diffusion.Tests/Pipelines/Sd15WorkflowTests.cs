using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>
/// workflows/sd15_txt2img.json through the engine, set to the fixture's pipeline call: the PNG equals the fixture's,
/// carries the prompt, and re-runs use the cache.
/// </summary>
public sealed class Sd15WorkflowTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);
    private static readonly string Workflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "sd15_txt2img.json"));

    public void Dispose() => _test.Dispose();

    private static ExecutionResult Run(TestEngine test, string workflow)
    {
        var result = test.Run(workflow);
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        return result;
    }

    private static string SavedFile(TestEngine test, ExecutionResult result)
    {
        var file = result.Outputs[new("9")]["images"]![0]!;
        return Path.Combine(test.Engine.Paths.Output, (string)file["subfolder"]!, (string)file["filename"]!);
    }

    [GoldenTheory(Sd15Fixture.Name)]
    [InlineData(Sd15Models.Folder)]
    [InlineData(Sd15Models.SingleFile)]
    public void Png_equals_the_fixture_image_and_carries_the_prompt(string layout) => AssertFixtureImage(_test, layout);

    /// <summary>Weights on the GPU (--device cuda), latents and images between nodes on the CPU: the same picture.</summary>
    [GoldenCudaFact(Sd15Fixture.Name)]
    public void On_cuda_the_png_equals_the_fixture_image()
    {
        using var test = new TestEngine([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly], device: Device.CUDA(0));
        AssertFixtureImage(test, Sd15Models.Folder);
    }

    private static void AssertFixtureImage(TestEngine test, string layout)
    {
        var ckptName = Sd15Models.Install(test.Engine.Paths.Models, layout);
        var result = Run(test, Sd15PipelineCall.Read().Apply(Workflow, ckptName));

        var png = Png.Read(SavedFile(test, result));
        using var golden = Sd15Fixture.Tensors("e2e/e2e.safetensors");
        using var pixels = torch.tensor<byte>(png.Image.Pixels, [1, png.Image.Height, png.Image.Width, png.Image.Channels]);
        golden.AssertMatches("image_uint8", pixels);
        var prompt = JsonNode.Parse(png.GetText("prompt")!)!;
        Assert.Equal("DDIMSample", (string)prompt["3"]!["class_type"]!);
        Assert.Equal(ckptName, (string)prompt["4"]!["inputs"]!["ckpt_name"]!);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void Rerun_executes_nothing_and_a_new_seed_reruns_only_sampling_and_after()
    {
        var ckptName = Sd15Models.Install(_test.Engine.Paths.Models, Sd15Models.Folder);
        var call = Sd15PipelineCall.Read();
        var workflow = call.Apply(Workflow, ckptName);
        Run(_test, workflow);
        Assert.Empty(Run(_test, workflow).Executed);
        var reseeded = Run(_test, (call with { Seed = call.Seed + 1 }).Apply(Workflow, ckptName));
        Assert.Equal(["3", "8", "9"], TestEngine.Ids(reseeded.Executed));
    }
}

/// <summary>ComfyUI's canonical API-format graph (script_examples/websockets_api_example.py, ids 3..9) runs unmodified.</summary>
public sealed class ComfyUiWorkflowTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public void Dispose() => _test.Dispose();

    [GoldenFact(Sd15Fixture.Name)]
    public void ComfyUI_api_workflow_with_KSampler_runs_and_writes_a_png()
    {
        Sd15Models.Install(_test.Engine.Paths.Models, Sd15Models.Folder);
        var workflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "comfyui_txt2img.json"));
        var (latent, sampler) = (JsonNode.Parse(workflow)!["5"]!["inputs"]!, JsonNode.Parse(workflow)!["3"]!["inputs"]!);
        var result = _test.Run(workflow);
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        var file = result.Outputs[new("9")]["images"]![0]!;
        Assert.Equal("ComfyUI_00001_.png", (string)file["filename"]!);
        var png = Png.Read(Path.Combine(_test.Engine.Paths.Output, "ComfyUI_00001_.png"));
        Assert.Equal(((int)latent["width"]!, (int)latent["height"]!), (png.Image.Width, png.Image.Height));
        Assert.Equal((int)sampler["steps"]!, _test.Events.OfType<NodeProgress>().Count(p => p.NodeId == "3"));
    }
}
