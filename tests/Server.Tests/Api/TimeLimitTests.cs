using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Api;

/// <summary>With a time limit set, a prompt that runs past it is interrupted and recorded as failed, saying why.</summary>
public sealed class TimeLimitTests
{
    [Fact]
    public async Task A_prompt_past_the_time_limit_is_interrupted_and_failed_and_the_next_one_runs()
    {
        await using var server = await TestServer.StartAsync(o => o with { PromptTimeLimit = TimeSpan.FromSeconds(1) });
        var slow = await server.Http.QueueAsync(Prompts.Slow(1, steps: 600, stepMs: 50, prefix: "slow"));
        var quick = await server.Http.QueueAsync(Prompts.Sum(2, 3));

        var entry = await server.Http.WaitForHistoryAsync(slow, TimeSpan.FromSeconds(20));
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        var types = entry["status"]!["messages"]!.AsArray().Select(m => (string?)m![0]).ToList();
        Assert.Equal(["execution_start", "execution_cached", "execution_interrupted", "execution_error"], types);
        var error = entry["status"]!["messages"]![3]![1]!;
        Assert.Equal($"Prompt {slow} ran past the server's time limit of 1 s and was interrupted (--prompt-time-limit)", (string?)error["exception_message"]);
        Assert.Equal("5", ComfyHttp.SavedText(await server.Http.WaitForHistoryAsync(quick)));
        Assert.Empty(Directory.GetFiles(server.Paths.Output, "slow*"));
    }
}
