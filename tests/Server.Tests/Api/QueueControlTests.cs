using System.Net;
using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>Interrupting the running prompt, and deleting or clearing pending prompts and history.</summary>
public sealed class QueueControlTests
{
    [Fact]
    public async Task Interrupt_stops_the_running_prompt_at_its_next_step()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await server.ConnectAsync("client-i");
        var promptId = await server.Http.QueueAsync(Prompts.Slow(1, steps: 2000, stepMs: 20), "client-i");
        await socket.ReadUntilAsync(f => f.Type == "progress" && f.PromptId == promptId);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/interrupt", new JsonObject { ["prompt_id"] = promptId })).Status);
        var frames = await socket.ReadPromptAsync(promptId);

        var interrupted = frames.Single(f => f.Type == "execution_interrupted");
        Assert.Equal("2", (string?)interrupted.Data!["node_id"]);
        Assert.Equal("TestSleep", (string?)interrupted.Data["node_type"]);
        Assert.True(frames.Where(f => f.Type == "progress").All(f => (long)f.Data!["value"]! < 2000));
        Assert.DoesNotContain(frames, f => f.Type is "executed" or "execution_success");
        var entry = await server.Http.WaitForHistoryAsync(promptId);
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        Assert.Equal("execution_interrupted", (string?)entry["status"]!["messages"]!.AsArray()[^1]![0]);
    }

    [Fact]
    public async Task Interrupt_naming_another_prompt_leaves_the_running_one_alone()
    {
        await using var server = await TestServer.StartAsync();
        var promptId = await server.Http.QueueAsync(Prompts.Slow(4, steps: 20, stepMs: 20));
        await server.Http.WaitUntilRunningAsync(promptId);
        await server.Http.PostAsync("/interrupt", new JsonObject { ["prompt_id"] = "someone-else" });

        var entry = await server.Http.WaitForHistoryAsync(promptId);
        Assert.Equal("success", (string?)entry["status"]!["status_str"]);
        Assert.Equal("4", ComfyHttp.SavedText(entry));
    }

    [Fact]
    public async Task Deleting_a_pending_prompt_removes_it_and_the_others_still_run()
    {
        await using var server = await TestServer.StartAsync();
        var running = await server.Http.QueueAsync(Prompts.Slow(1, steps: 2000, stepMs: 20));
        await server.Http.WaitUntilRunningAsync(running);
        var deleted = await server.Http.QueueAsync(Prompts.Sum(2, 0, "deleted"));
        var kept = await server.Http.QueueAsync(Prompts.Sum(3, 0, "kept"));

        var queue = (await server.Http.GetAsync("/queue")).Json!;
        Assert.Equal([running], queue["queue_running"]!.AsArray().Select(i => (string)i![1]!).ToList());
        Assert.Equal([deleted, kept], queue["queue_pending"]!.AsArray().Select(i => (string)i![1]!).ToList());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/queue", new JsonObject { ["delete"] = new JsonArray(deleted) })).Status);
        Assert.Equal([kept], (await server.Http.GetAsync("/queue")).Json!["queue_pending"]!.AsArray().Select(i => (string)i![1]!).ToList());
        await server.Http.PostAsync("/interrupt", null);

        Assert.Equal("3", ComfyHttp.SavedText(await server.Http.WaitForHistoryAsync(kept)));
        var history = (await server.Http.GetAsync("/history")).Json!.AsObject();
        Assert.Equal([running, kept], history.Select(h => h.Key).ToList());
        Assert.False(File.Exists(Path.Combine(server.Paths.Output, "deleted_00001_.txt")));
    }

    [Fact]
    public async Task Clearing_the_queue_and_the_history()
    {
        await using var server = await TestServer.StartAsync();
        var done = await server.Http.QueueAsync(Prompts.Sum(1, 1));
        await server.Http.WaitForHistoryAsync(done);
        var running = await server.Http.QueueAsync(Prompts.Slow(1, steps: 2000, stepMs: 20));
        await server.Http.WaitUntilRunningAsync(running);
        await server.Http.QueueAsync(Prompts.Sum(2, 2));
        await server.Http.QueueAsync(Prompts.Sum(3, 3));

        await server.Http.PostAsync("/queue", new JsonObject { ["clear"] = true });
        var queue = (await server.Http.GetAsync("/queue")).Json!;
        Assert.Empty(queue["queue_pending"]!.AsArray());
        Assert.Single(queue["queue_running"]!.AsArray());
        await server.Http.PostAsync("/history", new JsonObject { ["delete"] = new JsonArray(done) });
        Assert.Empty((await server.Http.GetAsync($"/history/{done}")).Json!.AsObject());
        await server.Http.PostAsync("/interrupt", null);
        await server.Http.WaitForHistoryAsync(running);
        await server.Http.PostAsync("/history", new JsonObject { ["clear"] = true });
        Assert.Empty((await server.Http.GetAsync("/history")).Json!.AsObject());
    }

    [Fact]
    public async Task History_pages_with_max_items_and_offset()
    {
        await using var server = await TestServer.StartAsync();
        var ids = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            ids.Add(await server.Http.QueueAsync(Prompts.Sum(i, 100)));
            await server.Http.WaitForHistoryAsync(ids[^1]);
        }

        async Task<List<string>> Page(string query) => (await server.Http.GetAsync("/history" + query)).Json!.AsObject().Select(h => h.Key).ToList();
        Assert.Equal(ids, await Page(""));
        Assert.Equal(ids[2..], await Page("?max_items=2"));
        Assert.Equal(ids[1..3], await Page("?max_items=2&offset=1"));
        Assert.Equal(ids[3..], await Page("?offset=3"));
    }
}
