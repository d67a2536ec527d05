using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>
/// The image outputs API clients read without touching output/: SaveImageWebsocket's pictures as binary WebSocket
/// frames (ComfyUI's type 1 PREVIEW_IMAGE, format 2 PNG) to the client that queued the prompt, and PreviewImage's
/// temp files served by /view?type=temp.
/// </summary>
public sealed class ImageOutputTests
{
    private static JsonObject Prompt(string output) => new()
    {
        ["1"] = JsonNode.Parse("""{"class_type": "EmptyImage", "inputs": {"width": 5, "height": 3, "batch_size": 2, "color": 65280}}"""),
        ["2"] = new JsonObject { ["class_type"] = output, ["inputs"] = new JsonObject { ["images"] = new JsonArray("1", 0) } },
    };

    [Fact]
    public async Task SaveImageWebsocket_sends_each_image_as_a_binary_png_frame_to_its_client_only()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await server.ConnectAsync("client-ws");
        await using var other = await server.ConnectAsync("client-other");

        var promptId = await server.Http.QueueAsync(Prompt("SaveImageWebsocket"), "client-ws");
        var frames = await socket.ReadPromptAsync(promptId);

        var images = frames.Where(f => f.Binary is not null).ToList();
        Assert.Equal(2, images.Count);
        Assert.All(images, frame =>
        {
            Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 2 }, frame.Binary![..8]);
            var png = Png.Decode(frame.Binary.AsSpan(8)).Image;
            Assert.Equal((5, 3), (png.Width, png.Height));
            Assert.Equal([0, 255, 0], png.Pixels.Take(3));
        });
        // The other client hears the queue's statuses: one while the prompt waits, then the empty queue after it ran.
        var otherFrames = await other.ReadUntilAsync(f => Remaining(f) == 1);
        otherFrames.AddRange(await other.ReadUntilAsync(f => Remaining(f) == 0));
        Assert.DoesNotContain(otherFrames, f => f.Binary is not null);
        var entry = await server.Http.WaitForHistoryAsync(promptId);
        Assert.Equal("success", (string?)entry["status"]!["status_str"]);
        Assert.Empty(Directory.EnumerateFiles(server.BaseDirectory, "*.png", SearchOption.AllDirectories));
    }

    private static int? Remaining(Frame frame) => frame.Type == "status" ? (int?)frame.Data!["status"]!["exec_info"]!["queue_remaining"] : null;

    [Fact]
    public async Task PreviewImage_files_are_served_by_view_with_type_temp()
    {
        await using var server = await TestServer.StartAsync();

        var promptId = await server.Http.QueueAsync(Prompt("PreviewImage"));
        var entry = await server.Http.WaitForHistoryAsync(promptId);

        var image = entry["outputs"]!["2"]!["images"]![1]!;
        Assert.Equal("temp", (string?)image["type"]);
        var bytes = await server.Http.Client.GetByteArrayAsync($"/view?filename={image["filename"]}&subfolder=&type=temp");
        Assert.Equal((5, 3), (Png.Decode(bytes).Image.Width, Png.Decode(bytes).Image.Height));
        var asOutput = await server.Http.GetAsync($"/view?filename={image["filename"]}&subfolder=&type=output");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, asOutput.Status);
    }
}
