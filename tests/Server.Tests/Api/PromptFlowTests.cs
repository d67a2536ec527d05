using System.Net;
using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>A prompt's life over HTTP and the WebSocket, in ComfyUI's order (comfyui.md §4.2, §10).</summary>
public sealed class PromptFlowTests
{
    [Fact]
    public async Task A_prompt_sends_comfyui_messages_in_order_and_history_exists_before_the_final_status()
    {
        // No periodic status frames in between: the sequence is exactly the prompt's.
        await using var server = await TestServer.StartAsync(o => o with { StatusInterval = TimeSpan.FromHours(1) });
        await using var socket = await server.ConnectAsync("client-a");
        var hello = await socket.ReadUntilAsync(f => f.Type == "status");
        Assert.Equal("client-a", (string?)hello[^1].Data!["sid"]);

        var promptId = await server.Http.QueueAsync(Prompts.Sum(20, 22, "answer"), "client-a");
        var frames = await socket.ReadUntilAsync(f => f.Type == "execution_success" && f.PromptId == promptId);
        var finalStatus = await socket.ReadUntilAsync(f => f.Type == "status");
        // History is written before the status that shows the prompt gone (a client checks it on that status).
        var history = await server.Http.GetAsync($"/history/{promptId}");
        Assert.NotNull(history.Json![promptId]);
        var done = await socket.ReadPromptAsync(promptId);

        var sequence = frames.Concat(finalStatus).Concat(done).SkipWhile(f => f.Type == "status")
            .Select(f => f.Type == "executing" ? $"executing:{f.Data!["node"]?.ToString() ?? "null"}" : f.Type).ToList();
        Assert.Equal(
            ["execution_start", "execution_cached", "executing:1", "executing:2", "executing:9", "executed", "execution_success", "status", "executing:null"],
            sequence);
        var executed = frames.Single(f => f.Type == "executed");
        Assert.Equal("9", (string?)executed.Data!["node"]);
        Assert.Equal("42", (string?)executed.Data["output"]!["text"]![0]);
        var file = executed.Data["output"]!["files"]![0]!;
        Assert.Equal("answer_00001_.txt", (string?)file["filename"]);
        Assert.Equal("", (string?)file["subfolder"]);
        Assert.Equal("output", (string?)file["type"]);
        Assert.All(frames.Where(f => f.Type is not "status"), f => Assert.Equal(promptId, f.PromptId));

        var entry = history.Json[promptId]!;
        Assert.Equal("success", (string?)entry["status"]!["status_str"]);
        Assert.True((bool)entry["status"]!["completed"]!);
        Assert.Equal(["execution_start", "execution_cached", "execution_success"],
            entry["status"]!["messages"]!.AsArray().Select(m => (string)m![0]!).ToList());
        Assert.Equal(promptId, (string?)entry["prompt"]![1]);
        Assert.Equal("client-a", (string?)entry["prompt"]![3]!["client_id"]);
        Assert.Equal(["9"], entry["prompt"]![4]!.AsArray().Select(o => (string)o!).ToList());
        var view = await server.Http.GetAsync("/view?filename=answer_00001_.txt&subfolder=&type=output");
        Assert.Equal("42", view.Text);
    }

    [Fact]
    public async Task A_cached_rerun_runs_nothing_and_sends_executed_again()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await server.ConnectAsync("client-b");
        var first = await server.Http.QueueAsync(Prompts.Sum(1, 2), "client-b");
        var firstFrames = await socket.ReadPromptAsync(first);
        var second = await server.Http.QueueAsync(Prompts.Sum(1, 2), "client-b");
        var frames = await socket.ReadPromptAsync(second);

        var cached = frames.Single(f => f.Type == "execution_cached");
        Assert.Equal(["1", "2", "9"], cached.Data!["nodes"]!.AsArray().Select(n => (string)n!).Order().ToList());
        Assert.DoesNotContain(frames, f => f.Type == "executing" && f.Data!["node"] is not null);
        var executed = frames.Single(f => f.Type == "executed");
        Assert.True(JsonNode.DeepEquals(firstFrames.Single(f => f.Type == "executed").Data!["output"], executed.Data!["output"]));
        Assert.Contains(frames, f => f.Type == "execution_success");
        var entry = await server.Http.WaitForHistoryAsync(second);
        Assert.Equal("3", ComfyHttp.SavedText(entry));
    }

    [Fact]
    public async Task A_failing_node_sends_execution_error_and_history_records_the_error()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await server.ConnectAsync("client-c");
        var prompt = Prompts.Sum(1, 0);
        prompt["2"]!["inputs"]!["operation"] = "divide";
        var promptId = await server.Http.QueueAsync(prompt, "client-c");
        var frames = await socket.ReadPromptAsync(promptId);

        var error = frames.Single(f => f.Type == "execution_error");
        Assert.Equal("2", (string?)error.Data!["node_id"]);
        Assert.Equal("IntArithmetic", (string?)error.Data["node_type"]);
        Assert.Contains("division by zero", (string?)error.Data["exception_message"]);
        Assert.DoesNotContain(frames, f => f.Type == "execution_success");
        var entry = await server.Http.WaitForHistoryAsync(promptId);
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        Assert.False((bool)entry["status"]!["completed"]!);
        Assert.Equal("execution_error", (string?)entry["status"]!["messages"]!.AsArray()[^1]![0]);
    }

    [Fact]
    public async Task Free_drops_the_cache_so_the_same_prompt_runs_again()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await server.ConnectAsync("client-d");
        await socket.ReadPromptAsync(await server.Http.QueueAsync(Prompts.Sum(5, 6), "client-d"));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true })).Status);
        var frames = await socket.ReadPromptAsync(await server.Http.QueueAsync(Prompts.Sum(5, 6), "client-d"));

        Assert.Empty(frames.Single(f => f.Type == "execution_cached").Data!["nodes"]!.AsArray());
        Assert.Equal(3, frames.Count(f => f.Type == "executing" && f.Data!["node"] is not null));
    }

    [Fact]
    public async Task Progress_and_preview_frames_reach_the_client_the_preview_as_binary_type_1_png()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await server.ConnectAsync("client-e");
        var promptId = await server.Http.QueueAsync(Prompts.Slow(7, steps: 3, stepMs: 1, preview: true), "client-e");
        var frames = await socket.ReadPromptAsync(promptId);

        var progress = frames.Where(f => f.Type == "progress").ToList();
        Assert.Equal([1L, 2L, 3L], progress.Select(f => (long)f.Data!["value"]!).ToList());
        Assert.All(progress, f => Assert.Equal("2", (string?)f.Data!["node"]));
        var previews = frames.Where(f => f.Binary is not null).ToList();
        Assert.Equal(3, previews.Count);
        Assert.All(previews, p =>
        {
            Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 2 }, p.Binary![..8]);
            var image = Workflow.Imaging.Png.Decode(p.Binary.AsSpan(8));
            Assert.Equal((4, 4), (image.Image.Width, image.Image.Height));
        });
    }
}
