using System.Text.Json.Nodes;
using Workflow.Host.Execution;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>
/// workflows/sd15_lora.json on the fixture models (as setup installs them, with the random kohya-layout LoRA its script
/// writes): the LoRA changes the picture, strength 0 gives exactly the picture without the LoRA node, and a new
/// strength reruns the LoRA node and what follows only.
/// </summary>
public sealed class Sd15LoraWorkflowTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public Sd15LoraWorkflowTests() => FixtureModels.Install(_test.BaseDirectory);

    public void Dispose() => _test.Dispose();

    [GoldenFact(Sd15Fixture.Name)]
    public void The_LoRA_changes_the_picture_and_strength_zero_is_the_picture_without_it()
    {
        var styled = Picture(WithStrengths(0.8, 0.8));
        var unstyled = Picture(WithStrengths(0.0, 0.0));
        var withoutLora = Picture(WithoutLora());

        Assert.Equal((64, 64), (styled.Width, styled.Height));
        Assert.Equal(withoutLora.Pixels, unstyled.Pixels);
        Assert.NotEqual(withoutLora.Pixels, styled.Pixels);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void A_new_strength_reruns_the_LoRA_node_and_what_follows_only()
    {
        _test.RunSucceeded(WithStrengths(0.8, 0.8));
        var rerun = _test.RunSucceeded(WithStrengths(0.5, 0.8));
        Assert.Equal(["10", "11", "3", "6", "7", "8", "9"], TestEngine.Ids(rerun.Executed));
    }

    private static string WithStrengths(double model, double clip)
    {
        var workflow = JsonNode.Parse(FixtureModels.Workflow("sd15_lora.json"))!;
        (workflow["10"]!["inputs"]!["strength_model"], workflow["10"]!["inputs"]!["strength_clip"]) = (model, clip);
        return workflow.ToJsonString();
    }

    /// <summary>The example with the LoRA node taken out: the sampler and CLIP skip read the checkpoint's outputs.</summary>
    private static string WithoutLora()
    {
        var workflow = JsonNode.Parse(FixtureModels.Workflow("sd15_lora.json"))!.AsObject();
        workflow.Remove("10");
        workflow["11"]!["inputs"]!["clip"] = new JsonArray("4", 1);
        workflow["3"]!["inputs"]!["model"] = new JsonArray("4", 0);
        return workflow.ToJsonString();
    }

    private RasterImage Picture(string workflow) => _test.SavedImage(_test.RunSucceeded(workflow), "9");
}
