using System.Text.Json.Nodes;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.Imaging;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Guidance;

/// <summary>
/// ComfyUI's API text-to-image workflow on the fixture's tiny SD1.5 with a second prompt combined into the positive:
/// confined to an area it changes the picture; given a step range that never applies, or combined with itself, it
/// leaves the picture as the plain prompt makes it.
/// </summary>
public sealed class ConditioningWorkflowTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public void Dispose() => _test.Dispose();

    [GoldenFact(Sd15Fixture.Name)]
    public void An_area_prompt_combined_into_the_positive_changes_the_picture()
    {
        var (plain, combined) = PlainAndCombined(new JsonObject
        {
            ["class_type"] = "ConditioningSetArea",
            ["inputs"] = new JsonObject { ["conditioning"] = Link("10"), ["width"] = 64, ["height"] = 64, ["x"] = 64, ["y"] = 0, ["strength"] = 1.5 },
        });

        Assert.Equal((plain.Width, plain.Height), (combined.Width, combined.Height));
        Assert.NotEqual(plain.Pixels, combined.Pixels);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void A_prompt_whose_step_range_never_starts_leaves_the_picture_unchanged()
    {
        var (plain, combined) = PlainAndCombined(new JsonObject
        {
            ["class_type"] = "ConditioningSetTimestepRange",
            ["inputs"] = new JsonObject { ["conditioning"] = Link("10"), ["start"] = 1.0, ["end"] = 1.0 },
        });

        Assert.Equal(plain.Pixels, combined.Pixels);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void The_positive_combined_with_itself_gives_the_plain_picture()
    {
        var (plain, combined) = PlainAndCombined(new JsonObject
        {
            ["class_type"] = "ConditioningSetAreaStrength",
            ["inputs"] = new JsonObject { ["conditioning"] = Link("6"), ["strength"] = 1.0 },
        });

        int largest = plain.Pixels.Zip(combined.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest <= 1, $"pixels differ by up to {largest}");
    }

    /// <summary>
    /// The example workflow's picture, then the same with node 11 (<paramref name="extra"/>, reading the positive 6 or
    /// the prompt 10) combined into KSampler's positive.
    /// </summary>
    private (RasterImage Plain, RasterImage Combined) PlainAndCombined(JsonObject extra)
    {
        Sd15Models.Install(_test.Engine.Paths.Models, Sd15Models.Folder);
        var workflow = JsonNode.Parse(FixtureModels.Workflow("comfyui_txt2img.json"))!.AsObject();
        workflow["3"]!["inputs"]!["steps"] = 6;
        workflow["5"]!["inputs"]!["width"] = 128;
        var plain = _test.SavedImage(_test.RunSucceeded(workflow.ToJsonString()), "9");

        workflow["10"] = new JsonObject
        {
            ["class_type"] = "CLIPTextEncode",
            ["inputs"] = new JsonObject { ["clip"] = Link("4", 1), ["text"] = "a red ball on a table" },
        };
        workflow["11"] = extra;
        workflow["12"] = new JsonObject
        {
            ["class_type"] = "ConditioningCombine",
            ["inputs"] = new JsonObject { ["conditioning_1"] = Link("6"), ["conditioning_2"] = Link("11") },
        };
        workflow["3"]!["inputs"]!["positive"] = Link("12");
        return (plain, _test.SavedImage(_test.RunSucceeded(workflow.ToJsonString()), "9"));
    }

    private static JsonArray Link(string node, int output = 0) => [node, output];
}
