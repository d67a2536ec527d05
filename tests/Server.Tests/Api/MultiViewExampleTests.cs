using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;
using Workflow.Testing;

namespace Workflow.Server.Tests.Api;

/// <summary>The multi-view examples through the server, on the models setup installs: the history lists a PNG per view and their grid, and /view serves them.</summary>
[Collection(LongPrompts.Name)]
public sealed class MultiViewExampleTests
{
    [GoldenTheory("multiview-tiny")]
    [InlineData("multiview_from_text.json")]
    [InlineData("multiview_from_image.json")]
    public async Task Example_runs_and_its_views_and_grid_can_be_viewed(string name)
    {
        await using var server = await TestServer.StartAsync();
        FixtureModels.Install(server.BaseDirectory);
        var workflow = FixtureModels.Workflow(name);
        var example = MultiViewExample.Of(workflow);

        var promptId = await server.Http.QueueAsync(JsonNode.Parse(workflow)!.AsObject());
        var entry = await server.Http.WaitForHistoryAsync(promptId, TimeSpan.FromMinutes(10));

        Assert.True((string?)entry["status"]!["status_str"] == "success", entry.ToJsonString());
        var views = await Task.WhenAll(entry["outputs"]![example.ViewsNode]!["images"]!.AsArray().Select(image => View(server, image!)));
        var grid = Assert.Single(entry["outputs"]![example.GridNode]!["images"]!.AsArray());
        example.AssertOutputs(views, await View(server, grid!));
    }

    private static async Task<RasterImage> View(TestServer server, JsonNode image) =>
        Png.Decode(await server.Http.Client.GetByteArrayAsync($"/view?filename={image["filename"]}&subfolder={image["subfolder"]}&type=output")).Image;
}
