using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Durability;

/// <summary>A server killed mid-run loses nothing: after a restart every accepted prompt finishes exactly once.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("workflow-restart-test-").FullName;

    [Fact]
    public async Task After_a_SIGKILL_mid_run_every_accepted_prompt_finishes_exactly_once_and_history_is_intact()
    {
        var ids = new List<string>();
        Dictionary<string, JsonNode?> finishedBeforeKill;
        await using (var first = await ServerProcess.StartAsync(_base))
        {
            for (int i = 0; i < 20; i++)
                ids.Add(await first.Http.QueueAsync(Prompts.Slow(i, steps: 5, stepMs: 60, prefix: $"r{i}")));
            finishedBeforeKill = await WaitForHistoryCount(first.Http, 3);
            first.Kill();
        }
        Assert.InRange(finishedBeforeKill.Count, 3, 19);

        await using var second = await ServerProcess.StartAsync(_base);
        for (int i = 0; i < ids.Count; i++)
        {
            var entry = await second.Http.WaitForHistoryAsync(ids[i]);
            Assert.Equal("success", (string?)entry["status"]!["status_str"]);
            Assert.Equal($"{i}", ComfyHttp.SavedText(entry));
        }

        var history = (await second.Http.GetAsync("/history")).Json!.AsObject();
        Assert.Equal(ids.Order(), history.Select(h => h.Key).Order());
        foreach (var (id, before) in finishedBeforeKill)
            Assert.True(JsonNode.DeepEquals(before, history[id]), $"history of {id} changed across the restart");
        var queue = (await second.Http.GetAsync("/queue")).Json!;
        Assert.Empty(queue["queue_running"]!.AsArray());
        Assert.Empty(queue["queue_pending"]!.AsArray());
        // Prompts finished before the kill, or never started, ran once; only the one cut off mid-run may have run twice.
        var outputs = Directory.GetFiles(Path.Combine(_base, "output"));
        var runsPerPrompt = Enumerable.Range(0, 20).Select(i => outputs.Count(f => Path.GetFileName(f).StartsWith($"r{i}_", StringComparison.Ordinal))).ToList();
        Assert.All(runsPerPrompt, runs => Assert.InRange(runs, 1, 2));
        Assert.True(runsPerPrompt.Count(runs => runs == 2) <= 1, string.Join(",", runsPerPrompt));
    }

    private static async Task<Dictionary<string, JsonNode?>> WaitForHistoryCount(ComfyHttp http, int count)
    {
        var deadline = DateTime.UtcNow + ComfyHttp.Patience;
        while (DateTime.UtcNow < deadline)
        {
            var history = (await http.GetAsync("/history")).Json!.AsObject();
            if (history.Count >= count)
                return history.ToDictionary(h => h.Key, h => h.Value?.DeepClone());
            await Task.Delay(20);
        }
        throw new TimeoutException($"fewer than {count} prompts finished");
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
