using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Host.Registry;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>
/// The example workflows with LatentUpscale on the fixture models (as setup links them): ComfyUI's hires-fix graph
/// (bilinear 2×, then a second KSampler pass) and the learned ×2 upscaler between DDIMSample and VAEDecode; and the
/// node's schema in ComfyUI's object_info shape, ComfyUI's inputs first and required, the model's optional.
/// </summary>
public sealed class LatentUpscaleWorkflowTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public LatentUpscaleWorkflowTests() => FixtureModels.Install(_test.BaseDirectory);

    public void Dispose() => _test.Dispose();

    [GoldenFact(MultiviewFixture.Name)]
    public void ComfyUI_hires_fix_with_a_bilinear_2x_LatentUpscale_validates_and_runs()
    {
        var workflow = FixtureModels.Workflow("comfyui_hires_fix.json");
        var upscale = JsonNode.Parse(workflow)!["10"]!["inputs"]!;

        Assert.True(_test.Validate(workflow).CanRun);
        var picture = Picture(Run(workflow));

        Assert.Equal(("bilinear", 128, 128), ((string)upscale["upscale_method"]!, picture.Width, picture.Height));
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void The_learned_upscaler_doubles_the_picture_and_a_new_seed_reruns_only_it_and_after()
    {
        var workflow = FixtureModels.Workflow("sd15_latent_upscale_x2.json");

        var picture = Picture(Run(workflow));
        var reseeded = JsonNode.Parse(workflow)!;
        reseeded["10"]!["inputs"]!["seed"] = 34;
        var rerun = Run(reseeded.ToJsonString());

        Assert.Equal((128, 128), (picture.Width, picture.Height));
        Assert.Equal(["10", "8", "9"], TestEngine.Ids(rerun.Executed));
        Assert.Equal(10, _test.Events.OfType<NodeProgress>().Count(p => p.NodeId == "10"));
        Assert.NotEqual(picture.Pixels, Picture(rerun).Pixels);
    }

    [Fact]
    public void Object_info_keeps_ComfyUIs_inputs_required_and_adds_the_model_as_optional()
    {
        Assert.True(_test.Engine.Registry.TryGet("LatentUpscale", out var definition));
        var info = ObjectInfo.ForNode(definition, "LatentUpscale", _test.Engine.Paths);

        TestEngine.AssertJsonEqual("""
            {"required": ["samples", "upscale_method", "width", "height", "crop"],
             "optional": ["upscale_model", "positive", "seed", "steps", "guidance"]}
            """, info["input_order"]);
        TestEngine.AssertJsonEqual("""[["nearest-exact", "bilinear", "area", "bicubic", "bislerp"], {"default": "nearest-exact", "tooltip": "How to resize (ignored with an upscale_model)."}]""",
            info["input"]!["required"]!["upscale_method"]);
        Assert.Equal("LATENT_UPSCALE_MODEL", (string)info["input"]!["optional"]!["upscale_model"]![0]!);
        Assert.Contains("ignored with an upscale_model", (string)info["input"]!["required"]!["width"]![1]!["tooltip"]!, StringComparison.OrdinalIgnoreCase);
    }

    private ExecutionResult Run(string workflow) => _test.RunSucceeded(workflow);

    private RasterImage Picture(ExecutionResult result) => _test.SavedImage(result, "9");
}
