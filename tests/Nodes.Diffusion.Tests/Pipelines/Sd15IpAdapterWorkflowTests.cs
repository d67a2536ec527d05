using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>
/// workflows/sd15_ipadapter.json on the fixture models (as setup installs them): it writes a picture, the reference
/// image steers it, weight 0 gives exactly the text-to-image picture, and a new weight reruns only the patch and after.
/// </summary>
public sealed class Sd15IpAdapterWorkflowTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public Sd15IpAdapterWorkflowTests() => FixtureModels.Install(_test.BaseDirectory);

    public void Dispose() => _test.Dispose();

    [GoldenFact(MultiviewFixture.Name)]
    public void The_reference_image_steers_the_picture_and_weight_zero_is_plain_text_to_image()
    {
        var steered = Picture(WithWeight(0.8));
        var unsteered = Picture(WithWeight(0.0));
        var plain = Picture(FixtureModels.Workflow("sd15_txt2img.json"));

        Assert.Equal((64, 64), (steered.Width, steered.Height));
        Assert.Equal(plain.Pixels, unsteered.Pixels);
        Assert.NotEqual(plain.Pixels, steered.Pixels);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void A_new_weight_reruns_the_patch_and_what_follows_only()
    {
        Run(WithWeight(0.8));
        var rerun = Run(WithWeight(0.5));
        Assert.Equal(["14", "3", "8", "9"], TestEngine.Ids(rerun.Executed));
    }

    private static string WithWeight(double weight)
    {
        var workflow = JsonNode.Parse(FixtureModels.Workflow("sd15_ipadapter.json"))!;
        workflow["14"]!["inputs"]!["weight"] = weight;
        return workflow.ToJsonString();
    }

    private ExecutionResult Run(string workflow) => _test.RunSucceeded(workflow);

    private RasterImage Picture(string workflow) => _test.SavedImage(Run(workflow), "9");
}
