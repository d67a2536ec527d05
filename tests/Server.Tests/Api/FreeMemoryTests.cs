using System.Text.Json.Nodes;
using Workflow.Server.Tests.Support;
using Xunit.Abstractions;

namespace Workflow.Server.Tests.Api;

/// <summary>/free gives back what the cache held: the server's resident memory returns near a fresh server's.</summary>
public sealed class FreeMemoryTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>What a server may hold after /free beyond a fresh one that has run a tensor prompt: allocator and JIT noise.</summary>
    private const long MarginBytes = 256L << 20;

    private const long OutputMegabytes = 400;

    private readonly string _base = Directory.CreateTempSubdirectory("workflow-free-test-").FullName;

    private static JsonObject Allocate(long megabytes, int seed) => new()
    {
        ["9"] = Prompts.Node("TestAllocate", new JsonObject { ["megabytes"] = megabytes, ["seed"] = seed }),
    };

    [Fact]
    public async Task After_large_outputs_are_cached_free_brings_resident_memory_back_within_the_margin_of_a_fresh_server()
    {
        await using var server = await ServerProcess.StartAsync(_base);
        await server.Http.WaitForHistoryAsync(await server.Http.QueueAsync(Allocate(1, 0)));   // libtorch and the plugins loaded
        long fresh = await Settled(server);

        for (int seed = 1; seed <= 4; seed++)
            await server.Http.WaitForHistoryAsync(await server.Http.QueueAsync(Allocate(OutputMegabytes, seed)));
        long holding = server.ResidentBytes();
        Assert.True(holding > fresh + 3 * (OutputMegabytes << 20), $"the cache holds the outputs: {holding >> 20} MiB against a fresh {fresh >> 20} MiB");

        var reply = await server.Http.PostAsync("/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true });
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        long after = await Settled(server, until: rss => rss <= fresh + MarginBytes);
        output.WriteLine($"fresh {fresh >> 20} MiB, holding {holding >> 20} MiB, after /free {after >> 20} MiB (margin {MarginBytes >> 20} MiB)");
        Assert.True(after <= fresh + MarginBytes, $"after /free {after >> 20} MiB, a fresh server {fresh >> 20} MiB, margin {MarginBytes >> 20} MiB");
    }

    /// <summary>Resident memory once it stops moving (or meets <paramref name="until"/>), within ten seconds.</summary>
    private static async Task<long> Settled(ServerProcess server, Func<long, bool>? until = null)
    {
        long last = server.ResidentBytes();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline;)
        {
            await Task.Delay(250);
            long now = server.ResidentBytes();
            if (until?.Invoke(now) ?? Math.Abs(now - last) < (4L << 20))
                return now;
            last = now;
        }
        return last;
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
