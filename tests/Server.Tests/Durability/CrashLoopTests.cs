using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Durability;

/// <summary>
/// A prompt that kills its server would, after every restart, be claimed again and kill it again. Attempts are
/// counted in the store: past the limit the prompt is failed with the reason, and the prompts behind it run.
/// </summary>
public sealed class CrashLoopTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("workflow-crashloop-test-").FullName;

    /// <summary>Half a second of progress (time to queue what follows), then the node that kills the process.</summary>
    private static JsonObject Killer() => new()
    {
        ["1"] = Prompts.Node("PrimitiveInt", new JsonObject { ["value"] = 7 }),
        ["2"] = Prompts.Node("TestSleep", new JsonObject { ["value"] = Prompts.Link("1"), ["steps"] = 5, ["step_ms"] = 100 }),
        ["3"] = Prompts.Node("TestKillServer", new JsonObject { ["value"] = Prompts.Link("2") }),
        ["9"] = Prompts.Node("SaveText", new JsonObject { ["value"] = Prompts.Link("3"), ["filename_prefix"] = "never" }),
    };

    [Fact]
    public async Task A_prompt_that_kills_the_server_is_failed_after_the_attempt_limit_and_the_prompts_behind_it_complete()
    {
        string[] limit = ["--max-attempts", "2"];
        string killer;
        var behind = new List<string>();
        await using (var first = await ServerProcess.StartAsync(_base, null, limit))
        {
            killer = await first.Http.QueueAsync(Killer());
            for (int i = 0; i < 3; i++)
                behind.Add(await first.Http.QueueAsync(Prompts.Sum(i, 100, prefix: $"behind{i}")));
            await first.WaitForExitAsync(ComfyHttp.Patience);
        }
        await using (var second = ServerProcess.Launch(_base, null, limit))
            await second.WaitForExitAsync(ComfyHttp.Patience);   // attempt 2 kills it again

        await using var third = await ServerProcess.StartAsync(_base, null, limit);
        var failed = await third.Http.WaitForHistoryAsync(killer);
        Assert.Equal("error", (string?)failed["status"]!["status_str"]);
        var error = failed["status"]!["messages"]!.AsArray().Single(m => (string?)m![0] == "execution_error")![1]!;
        Assert.Equal($"Prompt {killer} was attempted 2 times and the server died each time before it finished; it is not run again (--max-attempts 2)",
            (string?)error["exception_message"]);
        for (int i = 0; i < behind.Count; i++)
        {
            var entry = await third.Http.WaitForHistoryAsync(behind[i]);
            Assert.Equal("success", (string?)entry["status"]!["status_str"]);
            Assert.Equal($"{i + 100}", ComfyHttp.SavedText(entry));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(_base, "output"), "never*"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_base, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
