using System.Text.RegularExpressions;
using Workflow.Server.Tests.Support;

namespace Workflow.Server.Tests.Durability;

/// <summary>Two servers on one PostgreSQL queue share the work: each prompt runs once, and every result is visible from both.</summary>
public sealed partial class ScaleOutTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("workflow-scaleout-test-").FullName;

    [PostgresFact]
    public async Task Two_servers_on_one_postgres_queue_run_each_of_40_prompts_exactly_once()
    {
        await using var postgres = await PostgresServer.StartAsync();
        // One base folder for both: the shared output folder is what makes /view work from either server.
        await using var a = await ServerProcess.StartAsync(_base, postgres.Url);
        await using var b = await ServerProcess.StartAsync(_base, postgres.Url);

        var submissions = Enumerable.Range(0, 40)
            .Select(i => (i % 2 == 0 ? a : b).Http.QueueAsync(Prompts.Slow(i, steps: 2, stepMs: 25, prefix: $"s{i}")))
            .ToList();
        var ids = await Task.WhenAll(submissions);

        foreach (var server in new[] { a, b })
            for (int i = 0; i < ids.Length; i++)
            {
                var entry = await server.Http.WaitForHistoryAsync(ids[i]);
                Assert.Equal("success", (string?)entry["status"]!["status_str"]);
                Assert.Equal($"{i}", ComfyHttp.SavedText(entry));
                Assert.Equal($"{i}", (await server.Http.GetAsync($"/view?filename=s{i}_00001_.txt&type=output")).Text);
            }
        Assert.Equal(ids.Order(), (await a.Http.GetAsync("/history")).Json!.AsObject().Select(h => h.Key).Order());
        Assert.Equal(ids.Order(), (await b.Http.GetAsync("/history")).Json!.AsObject().Select(h => h.Key).Order());

        // Each server logs the prompts it ran: together exactly the 40, none twice, and both took a share.
        var ranByA = Finished().Matches(a.Log()).Select(m => m.Groups[1].Value).ToList();
        var ranByB = Finished().Matches(b.Log()).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Order(), ranByA.Concat(ranByB).Order());
        Assert.NotEmpty(ranByA);
        Assert.NotEmpty(ranByB);
        var outputs = Directory.GetFiles(Path.Combine(_base, "output")).Select(Path.GetFileName).ToList();
        Assert.Equal(40, outputs.Count);
    }

    [GeneratedRegex(@"Prompt (\S+) finished")]
    private static partial Regex Finished();

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
