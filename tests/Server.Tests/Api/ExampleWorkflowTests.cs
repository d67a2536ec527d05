using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;
using Workflow.Testing;

namespace Workflow.Server.Tests.Api;

/// <summary>The example diffusion workflows through the server, on the fixture models setup installs: each writes a picture /view serves.</summary>
public sealed class ExampleWorkflowTests
{
    [GoldenTheory("multiview-tiny")]
    [InlineData("sd15_txt2img.json")]
    [InlineData("sd15_ipadapter.json")]
    [InlineData("sd15_lora.json")]
    [InlineData("comfyui_everyday.json")]
    public Task Example_workflow_runs_and_its_png_can_be_viewed(string name) => RunAndView(name);

    [GoldenTheory("sd3-tiny")]
    [InlineData("sd3_txt2img.json")]
    [InlineData("comfyui_sd3_txt2img.json")]
    public Task Sd3_example_workflow_runs_and_its_png_can_be_viewed(string name) => RunAndView(name);

    /// <summary>The img2img, inpainting and hires-fix examples: (file, picture width and height).</summary>
    [GoldenTheory("sd15-tiny")]
    [InlineData("sd15_img2img.json", 64, 64)]
    [InlineData("sd15_inpaint.json", 64, 64)]
    [InlineData("sd15_hires_fix.json", 128, 128)]
    public Task Sd15_editing_example_runs_and_its_png_can_be_viewed(string name, int width, int height) => RunAndView(name, (width, height));

    /// <summary>Queues the example, waits for it, and fetches its picture (output node 9), sized as given or as its empty latent asks.</summary>
    private static async Task RunAndView(string name, (int Width, int Height)? size = null)
    {
        await using var server = await TestServer.StartAsync();
        FixtureModels.Install(server.BaseDirectory);
        var workflow = JsonNode.Parse(FixtureModels.Workflow(name))!.AsObject();

        var promptId = await server.Http.QueueAsync(workflow);
        var entry = await server.Http.WaitForHistoryAsync(promptId);

        Assert.True((string?)entry["status"]!["status_str"] == "success", entry.ToJsonString());
        var image = entry["outputs"]!["9"]!["images"]![0]!;
        var view = await server.Http.Client.GetByteArrayAsync($"/view?filename={image["filename"]}&subfolder={image["subfolder"]}&type=output");
        var latent = workflow.Select(n => n.Value!["inputs"]!).FirstOrDefault(inputs => inputs["width"] is not null && inputs["batch_size"] is not null);
        Assert.Equal(size ?? ((int)latent!["width"]!, (int)latent["height"]!), (Png.Decode(view).Image.Width, Png.Decode(view).Image.Height));
    }
}
