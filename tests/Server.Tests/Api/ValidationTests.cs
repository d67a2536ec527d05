using System.Net;
using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>What POST /prompt refuses, always with a JSON body, and what it accepts whatever the Content-Type.</summary>
public sealed class ValidationTests
{
    [Fact]
    public async Task An_invalid_prompt_is_400_with_comfyui_node_errors_and_is_not_queued()
    {
        await using var server = await TestServer.StartAsync();
        var prompt = Prompts.Sum(1, 2);
        prompt["2"]!["inputs"]!["operation"] = "cube";
        prompt["8"] = Prompts.Node("SaveText", new JsonObject { ["value"] = Prompts.Link("77") });
        var reply = await server.Http.PostAsync("/prompt", Prompts.Body(prompt), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("prompt_outputs_failed_validation", (string?)reply.Json!["error"]!["type"]);
        var nodeErrors = reply.Json["node_errors"]!.AsObject();
        Assert.Equal("value_not_in_list", (string?)nodeErrors["2"]!["errors"]![0]!["type"]);
        Assert.Equal("IntArithmetic", (string?)nodeErrors["2"]!["class_type"]);
        Assert.Equal(["9"], nodeErrors["2"]!["dependent_outputs"]!.AsArray().Select(o => (string)o!).ToList());
        Assert.Equal("bad_linked_input", (string?)nodeErrors["8"]!["errors"]![0]!["type"]);
        Assert.Equal(0, (int)(await server.Http.GetAsync("/prompt")).Json!["exec_info"]!["queue_remaining"]!);
    }

    [Fact]
    public async Task A_valid_output_is_queued_while_the_invalid_one_is_reported()
    {
        await using var server = await TestServer.StartAsync();
        var prompt = Prompts.Sum(1, 2);
        prompt["8"] = Prompts.Node("SaveText", new JsonObject { ["value"] = Prompts.Link("1"), ["format"] = "yaml" });
        var reply = await server.Http.PostAsync("/prompt", Prompts.Body(prompt));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("value_not_in_list", (string?)reply.Json!["node_errors"]!["8"]!["errors"]![0]!["type"]);
        var entry = await server.Http.WaitForHistoryAsync((string)reply.Json["prompt_id"]!);
        Assert.Equal(["9"], entry["outputs"]!.AsObject().Select(o => o.Key).ToList());
    }

    [Fact]
    public async Task A_prompt_id_already_queued_or_finished_is_400_and_runs_once()
    {
        await using var server = await TestServer.StartAsync();
        var body = Prompts.Body(Prompts.Sum(1, 2));
        body["prompt_id"] = "chosen-by-the-client";
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/prompt", body)).Status);
        await server.Http.WaitForHistoryAsync("chosen-by-the-client");

        var again = await server.Http.PostAsync("/prompt", body);

        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("prompt_id_in_use", (string?)again.Json!["error"]!["type"]);
        Assert.Contains("chosen-by-the-client", (string?)again.Json["error"]!["details"]);
        Assert.Single((await server.Http.GetAsync("/history")).Json!.AsObject());
    }

    [Theory]
    [InlineData("{\"client_id\": \"x\"}", "no_prompt")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}}", "missing_node_type")]
    [InlineData("{\"prompt\": {}}", "prompt_no_outputs")]
    [InlineData("{\"prompt\": ", "invalid_json")]
    [InlineData("[1, 2]", "invalid_json")]
    public async Task Malformed_prompts_get_400_with_a_json_error(string body, string errorType)
    {
        await using var server = await TestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/prompt") { Content = new StringContent(body) };
        var reply = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal(errorType, (string?)reply.Json!["error"]!["type"]);
        Assert.DoesNotContain("   at ", reply.Text);
    }

    [Fact]
    public async Task The_client_may_choose_the_prompt_id_and_number_and_put_a_prompt_in_front()
    {
        await using var server = await TestServer.StartAsync();
        var blocker = await server.Http.QueueAsync(Prompts.Slow(1, steps: 400, stepMs: 50));
        await server.Http.WaitUntilRunningAsync(blocker);
        var body = Prompts.Body(Prompts.Sum(3, 4));
        body["prompt_id"] = "mine";
        body["number"] = 7.5;
        var reply = await server.Http.PostAsync("/prompt", body);
        var front = Prompts.Body(Prompts.Sum(5, 6));
        front["front"] = true;
        var frontReply = await server.Http.PostAsync("/prompt", front);

        Assert.Equal("mine", (string?)reply.Json!["prompt_id"]);
        Assert.Equal(7.5, (double)reply.Json["number"]!);
        Assert.True((double)frontReply.Json!["number"]! < 0);
        var pending = (await server.Http.GetAsync("/queue")).Json!["queue_pending"]!.AsArray();
        Assert.Equal([(string)frontReply.Json["prompt_id"]!, "mine"], pending.Select(p => (string)p![1]!).ToList());
        await server.Http.PostAsync("/interrupt", null);
        await server.Http.WaitForHistoryAsync(blocker);
    }
}
