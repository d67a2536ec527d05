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
    public async Task Example_workflow_runs_and_its_png_can_be_viewed(string name)
    {
        await using var server = await TestServer.StartAsync();
        FixtureModels.Install(server.BaseDirectory);

        var promptId = await server.Http.QueueAsync(JsonNode.Parse(FixtureModels.Workflow(name))!.AsObject());
        var entry = await server.Http.WaitForHistoryAsync(promptId);

        Assert.True((string?)entry["status"]!["status_str"] == "success", entry.ToJsonString());
        var image = entry["outputs"]!["9"]!["images"]![0]!;
        var view = await server.Http.Client.GetByteArrayAsync($"/view?filename={image["filename"]}&subfolder={image["subfolder"]}&type=output");
        Assert.Equal((64, 64), (Png.Decode(view).Image.Width, Png.Decode(view).Image.Height));
    }
}
