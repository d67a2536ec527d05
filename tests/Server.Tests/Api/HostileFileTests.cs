using System.Net;
using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;
using Workflow.Testing.Hostile;

namespace Workflow.Server.Tests.Api;

/// <summary>
/// Names that are not regular files (a FIFO, a link to /dev/zero, a folder) and images that are bombs, sent through
/// the server: each request is answered within seconds with a 4xx naming the file or input, or, for a bomb that only
/// shows when read, the prompt fails with the reason while the server stays up.
/// </summary>
public sealed class HostileFileTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private static JsonObject LoadAndSave(string image) => new()
    {
        ["1"] = Prompts.Node("LoadImage", new JsonObject { ["image"] = image }),
        ["9"] = Prompts.Node("SaveImage", new JsonObject { ["images"] = Prompts.Link("1"), ["filename_prefix"] = "copy" }),
    };

    [Fact]
    public async Task View_answers_404_for_a_fifo_or_folder_and_403_for_a_link_to_a_device_without_blocking()
    {
        await using var server = await TestServer.StartAsync();
        var planted = SpecialFiles.AllIn(server.Paths.Output, "x", ".png");
        var expected = new Dictionary<string, (HttpStatusCode, string)>
        {
            ["fifo"] = (HttpStatusCode.NotFound, "'x-fifo.png' is a FIFO (named pipe), not a regular file"),
            ["folder"] = (HttpStatusCode.NotFound, "'x-folder.png' is a directory, not a regular file"),
            ["dev-zero"] = (HttpStatusCode.Forbidden, "the file is a symbolic link"),
        };
        foreach (var (kind, path) in planted)
        {
            var reply = await server.Http.GetAsync($"/view?filename={Path.GetFileName(path)}&type=output").WaitAsync(Limit);
            Assert.Equal(expected[kind], (reply.Status, (string?)reply.Json!["error"]!["message"]));
        }
    }

    [Fact]
    public async Task Uploads_never_open_a_fifo_that_holds_their_name()
    {
        await using var server = await TestServer.StartAsync();
        SpecialFiles.Fifo(Path.Combine(server.Paths.Input, "photo.png"));
        var image = Png.Encode(new RasterImage(2, 2, 3, new byte[12]));

        var renamed = await server.Http.UploadAsync(image, "photo.png").WaitAsync(Limit);
        Assert.Equal("photo (1).png", (string?)renamed.Json!["name"]);
        var overwrite = await server.Http.UploadAsync(image, "photo.png", ("overwrite", "true")).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.BadRequest, overwrite.Status);
        Assert.Equal("'photo.png' is a FIFO (named pipe), not a regular file to overwrite", (string?)overwrite.Json!["error"]!["message"]);
    }

    [Fact]
    public async Task LoadImage_of_a_fifo_device_or_folder_is_refused_at_POST_naming_the_input()
    {
        await using var server = await TestServer.StartAsync();
        var planted = SpecialFiles.AllIn(server.Paths.Input, "in", ".png");
        var kinds = new Dictionary<string, string> { ["fifo"] = "a FIFO (named pipe)", ["dev-zero"] = "a character device", ["folder"] = "a directory" };
        foreach (var (kind, path) in planted)
        {
            var name = Path.GetFileName(path);
            var reply = await server.Http.PostAsync("/prompt", Prompts.Body(LoadAndSave(name))).WaitAsync(Limit);
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            var error = reply.Json!["node_errors"]!["1"]!["errors"]![0]!;
            Assert.Equal("image", (string?)error["extra_info"]!["input_name"]);
            Assert.Equal($"image - Invalid image file: {name} is {kinds[kind]}, not a regular file", (string?)error["details"]);
        }
    }

    [Fact]
    public async Task A_decompression_bomb_fails_its_prompt_with_the_budget_and_the_server_runs_on()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.Paths.Input);
        await File.WriteAllBytesAsync(Path.Combine(server.Paths.Input, "bomb.png"), HostilePng.HugeIhdr());
        var entry = await server.Http.WaitForHistoryAsync(await server.Http.QueueAsync(LoadAndSave("bomb.png")), Limit);
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        var error = entry["status"]!["messages"]!.AsArray().Single(m => (string?)m![0] == "execution_error")![1]!;
        Assert.Equal(("1", "LoadImage"), ((string?)error["node_id"], (string?)error["node_type"]));
        Assert.StartsWith("image = 'bomb.png': image size 16384x16384 is 268,435,456 pixels, over the pixel budget of 178,956,970", (string?)error["exception_message"]);
        Assert.Equal("5", ComfyHttp.SavedText(await server.Http.WaitForHistoryAsync(await server.Http.QueueAsync(Prompts.Sum(2, 3)))));
    }
}
