using System.Net;
using System.Text.Json.Nodes;
using Workflow.Imaging;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>Uploads and /view: files flow in and out, and never outside input/, output/ and temp/.</summary>
public sealed class FileTests
{
    private static byte[] Image(byte red) =>
        Png.Encode(new RasterImage(3, 2, 3, Enumerable.Range(0, 18).Select(i => i % 3 == 0 ? red : (byte)i).ToArray()));

    private static Task<ComfyHttp.Reply> Upload(TestServer server, byte[] bytes, string filename, params (string Name, string Value)[] fields) =>
        server.Http.UploadAsync(bytes, filename, fields);

    [Fact]
    public async Task An_uploaded_image_feeds_LoadImage_and_the_saved_result_is_served_by_view()
    {
        await using var server = await TestServer.StartAsync();
        var upload = await Upload(server, Image(200), "photo.png");
        Assert.Equal(HttpStatusCode.OK, upload.Status);
        Assert.Equal("photo.png", (string?)upload.Json!["name"]);
        Assert.Equal("", (string?)upload.Json["subfolder"]);
        Assert.Equal("input", (string?)upload.Json["type"]);

        var prompt = new JsonObject
        {
            ["1"] = Prompts.Node("LoadImage", new JsonObject { ["image"] = "photo.png" }),
            ["9"] = Prompts.Node("SaveImage", new JsonObject { ["images"] = Prompts.Link("1"), ["filename_prefix"] = "copy" }),
        };
        var entry = await server.Http.WaitForHistoryAsync(await server.Http.QueueAsync(prompt));
        Assert.Equal("success", (string?)entry["status"]!["status_str"]);
        var image = entry["outputs"]!["9"]!["images"]![0]!;
        var bytes = await server.Http.Client.GetByteArrayAsync(
            $"/view?filename={image["filename"]}&subfolder={image["subfolder"]}&type={image["type"]}");
        var saved = Png.Decode(bytes).Image;
        Assert.Equal((3, 2), (saved.Width, saved.Height));
        Assert.Equal(Png.Decode(Image(200)).Image.Pixels, saved.Pixels);
    }

    [Fact]
    public async Task Uploading_the_same_name_reuses_identical_bytes_and_renames_different_ones_unless_overwrite()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal("a.png", (string?)(await Upload(server, Image(1), "a.png")).Json!["name"]);
        Assert.Equal("a.png", (string?)(await Upload(server, Image(1), "a.png")).Json!["name"]);
        Assert.Equal("a (1).png", (string?)(await Upload(server, Image(2), "a.png")).Json!["name"]);
        Assert.Equal("a.png", (string?)(await Upload(server, Image(3), "a.png", ("overwrite", "true"))).Json!["name"]);
        Assert.Equal(Image(3), await File.ReadAllBytesAsync(Path.Combine(server.Paths.Input, "a.png")));
        var inSubfolder = await Upload(server, Image(4), "b.png", ("subfolder", "masks"), ("type", "temp"));
        Assert.Equal("masks", (string?)inSubfolder.Json!["subfolder"]);
        Assert.True(File.Exists(Path.Combine(server.Paths.Temp, "masks", "b.png")));
    }

    [Theory]
    [InlineData("../evil.png", "")]
    [InlineData("/tmp/evil.png", "")]
    [InlineData("evil.png", "../..")]
    [InlineData("evil.png", "/tmp")]
    [InlineData("evil.png", "ok/../../..")]
    public async Task Uploads_never_write_outside_their_folder(string filename, string subfolder)
    {
        await using var server = await TestServer.StartAsync();
        var before = Directory.GetFiles(Path.GetTempPath(), "evil.png").Length;
        var reply = await Upload(server, Image(9), filename, ("subfolder", subfolder));

        Assert.True(reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{reply.Status}: {reply.Text}");
        Assert.NotNull(reply.Json!["error"]);
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "evil.png").Length);
        Assert.Empty(Directory.GetFiles(server.BaseDirectory, "evil.png", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("filename=../secret.txt&type=output")]
    [InlineData("filename=..%2Fsecret.txt&type=output")]
    [InlineData("filename=secret.txt&subfolder=..&type=output")]
    [InlineData("filename=secret.txt&subfolder=../&type=input")]
    [InlineData("filename=%2Fetc%2Fpasswd&type=output")]
    [InlineData("filename=passwd&subfolder=%2Fetc&type=output")]
    [InlineData("filename=secret.txt&type=..")]
    [InlineData("filename=linked.txt&type=output")]
    [InlineData("filename=secret.txt&subfolder=linkdir&type=output")]
    public async Task View_refuses_paths_that_leave_the_folder(string query)
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.Paths.Output);
        await File.WriteAllTextAsync(Path.Combine(server.BaseDirectory, "secret.txt"), "top secret");
        File.CreateSymbolicLink(Path.Combine(server.Paths.Output, "linked.txt"), Path.Combine(server.BaseDirectory, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(server.Paths.Output, "linkdir"), server.BaseDirectory);

        var reply = await server.Http.GetAsync("/view?" + query);
        Assert.True(reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{reply.Status}: {reply.Text}");
        Assert.DoesNotContain("top secret", reply.Text);
        Assert.DoesNotContain("root:", reply.Text);
        Assert.NotNull(reply.Json!["error"]);
    }

    [Fact]
    public async Task View_serves_subfolders_annotated_names_and_says_404_for_missing_files()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(Path.Combine(server.Paths.Output, "sub"));
        await File.WriteAllTextAsync(Path.Combine(server.Paths.Output, "sub", "x.txt"), "in sub");
        Directory.CreateDirectory(server.Paths.Input);
        await File.WriteAllTextAsync(Path.Combine(server.Paths.Input, "page.html"), "<script>");

        Assert.Equal("in sub", (await server.Http.GetAsync("/view?filename=x.txt&subfolder=sub")).Text);
        Assert.Equal("in sub", (await server.Http.GetAsync("/view?filename=x.txt%20%5Boutput%5D&subfolder=sub")).Text);
        var missing = await server.Http.GetAsync("/view?filename=nothing.png");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("not_found", (string?)missing.Json!["error"]!["type"]);
        var page = await server.Http.GetAsync("/view?filename=page.html&type=input");
        Assert.Equal("application/octet-stream", page.ContentType);
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_with_413()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxUploadBytes = 4096 });
        var reply = await Upload(server, new byte[64 * 1024], "big.png");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.NotNull(reply.Json!["error"]);
        Assert.False(File.Exists(Path.Combine(server.Paths.Input, "big.png")));
    }
}
