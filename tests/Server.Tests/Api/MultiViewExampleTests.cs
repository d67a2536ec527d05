using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;
using Workflow.Testing;

namespace Workflow.Server.Tests.Api;

/// <summary>ImageDream's example through the server, on the models setup installs: its history lists a PNG per view and the grid, and /view serves them.</summary>
public sealed class MultiViewExampleTests
{
    [GoldenFact("multiview-tiny")]
    public async Task ImageDream_example_runs_and_its_views_and_grid_can_be_viewed()
    {
        await using var server = await TestServer.StartAsync();
        FixtureModels.Install(server.BaseDirectory);
        var workflow = FixtureModels.Workflow("multiview_from_image.json");
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
