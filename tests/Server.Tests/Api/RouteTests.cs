using System.Net;
using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>The compatibility details clients depend on (comfyui.md §4.3, §10).</summary>
public sealed class RouteTests
{
    [Theory]
    [InlineData("/prompt")]
    [InlineData("/queue")]
    [InlineData("/history")]
    [InlineData("/object_info")]
    [InlineData("/system_stats")]
    [InlineData("/embeddings")]
    [InlineData("/extensions")]
    [InlineData("/features")]
    [InlineData("/models")]
    public async Task Every_route_answers_json_bare_and_under_api(string path)
    {
        await using var server = await TestServer.StartAsync();
        var bare = await server.Http.GetAsync(path + "?clientId=ignored");
        var api = await server.Http.GetAsync("/api" + path);

        Assert.Equal(HttpStatusCode.OK, bare.Status);
        Assert.Equal("application/json", bare.ContentType);
        if (path == "/system_stats")   // live memory figures: the same answer has the same fields, not the same free bytes
            Assert.Equal(Fields(JsonNode.Parse(bare.Text)), Fields(JsonNode.Parse(api.Text)));
        else
            Assert.Equal(bare.Text, api.Text);
    }

    /// <summary>Every field's path in <paramref name="node"/>, in order, without the values.</summary>
    private static IEnumerable<string> Fields(JsonNode? node, string at = "") => node switch
    {
        JsonObject o => o.SelectMany(p => Fields(p.Value, $"{at}.{p.Key}").Prepend($"{at}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Fields(item, $"{at}[{i}]")),
        _ => [],
    };

    [Theory]
    [InlineData("GET", "/nothing/here")]
    [InlineData("GET", "/api/api/prompt")]
    [InlineData("POST", "/object_info")]
    [InlineData("GET", "/models/no-such-folder")]
    public async Task Unknown_routes_are_404_or_405_with_a_json_error(string method, string path)
    {
        await using var server = await TestServer.StartAsync();
        var reply = await server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.True(reply.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{reply.Status}");
        Assert.NotNull(reply.Json!["error"]!["type"]);
    }

    [Fact]
    public async Task Object_info_gives_a_node_schema_and_an_empty_object_for_unknown_classes()
    {
        await using var server = await TestServer.StartAsync();
        var known = (await server.Http.GetAsync("/object_info/IntArithmetic")).Json!;
        var unknown = await server.Http.GetAsync("/object_info/Primitive%20boolean%20%5BCrystools%5D");

        Assert.Equal("INT", (string?)known["IntArithmetic"]!["output"]![0]);
        Assert.Contains("add", known["IntArithmetic"]!["input"]!["required"]!["operation"]![0]!.AsArray().Select(o => (string)o!));
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Empty(unknown.Json!.AsObject());
        Assert.NotNull((await server.Http.GetAsync("/object_info")).Json!["SaveText"]);
    }

    [Fact]
    public async Task Object_info_tells_list_outputs_whole_list_inputs_and_lazy_inputs_in_comfyuis_keys()
    {
        await using var server = await TestServer.StartAsync();
        var nodes = (await server.Http.GetAsync("/object_info")).Json!;

        Assert.Equal("[true]", nodes["StringList"]!["output_is_list"]!.ToJsonString());
        Assert.False((bool)nodes["StringList"]!["is_input_list"]!);
        Assert.True((bool)nodes["StringJoin"]!["is_input_list"]!);
        Assert.Equal("[false]", nodes["StringJoin"]!["output_is_list"]!.ToJsonString());
        var switchInputs = nodes["Switch"]!["input"]!["required"]!;
        Assert.True((bool)switchInputs["on_true"]![1]!["lazy"]!);
        Assert.Null(switchInputs["switch"]![1]?["lazy"]);
    }

    [Fact]
    public async Task System_stats_names_the_os_and_devices()
    {
        await using var server = await TestServer.StartAsync();
        var stats = (await server.Http.GetAsync("/system_stats")).Json!;
        Assert.Equal("posix", (string?)stats["system"]!["os"]);
        var device = Assert.Single(stats["devices"]!.AsArray())!;
        Assert.Equal(["name", "type", "index", "vram_total", "vram_free", "torch_vram_total", "torch_vram_free"], device.AsObject().Select(p => p.Key));
        if ((string?)device["type"] == "cpu")   // ComfyUI reports the RAM there
            Assert.Equal((long)stats["system"]!["ram_total"]!, (long)device["vram_total"]!);
    }

    [Fact]
    public async Task Status_frames_arrive_periodically_while_nothing_happens()
    {
        await using var server = await TestServer.StartAsync(o => o with { StatusInterval = TimeSpan.FromMilliseconds(200) });
        await using var socket = await server.ConnectAsync("idle");
        var frames = await socket.ReadUntilAsync(f => f.Type == "status" && f.Data!["sid"] is null);
        Assert.All(frames, f => Assert.Equal("status", f.Type));
        Assert.Equal(0, (int)frames[^1].Data!["status"]!["exec_info"]!["queue_remaining"]!);
    }

    [Fact]
    public async Task Interrupt_and_free_accept_empty_bodies_and_feature_flags_are_answered()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/interrupt", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/api/free", null)).Status);

        await using var socket = await server.ConnectAsync("flags");
        await socket.SendAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""");
        var reply = await socket.ReadUntilAsync(f => f.Type == "feature_flags");
        Assert.False((bool)reply[^1].Data!["supports_preview_metadata"]!);
    }
}
