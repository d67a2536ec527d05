using System.Net;
using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>POST /prompt with partial_execution_targets runs only the named outputs and what they need.</summary>
public sealed class PartialExecutionTests
{
    [Fact]
    public async Task Only_the_targeted_output_runs()
    {
        await using var server = await TestServer.StartAsync();
        var prompt = Prompts.Sum(1, 2);
        prompt["7"] = Prompts.Node("PrimitiveInt", new JsonObject { ["value"] = 5 });
        prompt["8"] = Prompts.Node("SaveText", new JsonObject { ["value"] = Prompts.Link("7"), ["filename_prefix"] = "other" });
        var body = Prompts.Body(prompt);
        body["partial_execution_targets"] = new JsonArray("8");

        var reply = await server.Http.PostAsync("/prompt", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var entry = await server.Http.WaitForHistoryAsync((string)reply.Json!["prompt_id"]!);
        Assert.Equal(["8"], entry["outputs"]!.AsObject().Select(o => o.Key).ToList());
        Assert.Equal(["8"], entry["prompt"]![4]!.AsArray().Select(o => (string)o!).ToList());
        Assert.False(File.Exists(Path.Combine(server.Paths.Output, "sum_00001_.txt")));
    }
}
