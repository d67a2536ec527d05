using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Workflow.Host.Engine;
using Workflow.Host.Server;

namespace Workflow.Host.Benchmarks;

/// <summary>
/// <c>bench server</c>: a server of its own on loopback (SQLite store in a temporary folder), small prompts posted by
/// concurrent clients; how fast they are accepted (POST /prompt latency) and completed, and whether any is lost.
/// </summary>
public static class ServerBenchmark
{
    public sealed record Settings(int Prompts, int Clients, TimeSpan Limit);

    public sealed record Report(int Submitted, int Accepted, int Completed, int Lost, double AcceptedPerSecond, double P50AcceptMs,
        double P99AcceptMs, double MaxAcceptMs, double CompletedPerSecond, int Clients)
    {
        public JsonObject ToJson() => new()
        {
            ["submitted"] = Submitted, ["accepted"] = Accepted, ["completed"] = Completed, ["lost"] = Lost,
            ["accepted_per_s"] = Math.Round(AcceptedPerSecond, 1), ["p50_accept_ms"] = Math.Round(P50AcceptMs, 2),
            ["p99_accept_ms"] = Math.Round(P99AcceptMs, 2), ["max_accept_ms"] = Math.Round(MaxAcceptMs, 2),
            ["completed_per_s"] = Math.Round(CompletedPerSecond, 1), ["clients"] = Clients,
        };
    }

    public static async Task<Report> RunAsync(Settings settings, EngineOptions engine)
    {
        var baseDirectory = Directory.CreateTempSubdirectory("workflow-bench-server-").FullName;
        try
        {
            var options = new ServerOptions { Port = 0 };
            var isolated = engine with { Paths = EngineOptions.PathsUnder(baseDirectory) };
            await using var app = await ServerApp.BuildAsync(new ServerSetup(options, isolated, LogLevel.Warning), CancellationToken.None);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = ServerApp.Address(app), Timeout = settings.Limit };
            var deadline = DateTime.UtcNow + settings.Limit;
            await WaitForAsync(http, [await PostAsync(http, -1)], deadline);   // warm-up: JIT and the first plugin calls, not measured
            var report = await MeasureAsync(http, settings, deadline);
            await app.StopAsync();
            return report;
        }
        finally
        {
            Directory.Delete(baseDirectory, recursive: true);
        }
    }

    private static async Task<Report> MeasureAsync(HttpClient http, Settings settings, DateTime deadline)
    {
        var latencies = new ConcurrentBag<double>();
        var accepted = new ConcurrentBag<string>();
        int next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) <= settings.Prompts && DateTime.UtcNow < deadline;)
            {
                var start = Stopwatch.GetTimestamp();
                if (await PostAsync(http, i) is { } id)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    accepted.Add(id);
                }
            }
        })));
        var acceptSeconds = clock.Elapsed.TotalSeconds;
        var completed = await WaitForAsync(http, accepted.ToHashSet(), deadline);
        var completeSeconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new Report(Math.Min(next, settings.Prompts), accepted.Count, completed, accepted.Count - completed, accepted.Count / acceptSeconds,
            Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.LastOrDefault(), completed / completeSeconds, settings.Clients);
    }

    /// <summary>Posts a - (i + 1) prompt, distinct per i so nothing comes from the cache; the prompt id, or null when refused.</summary>
    private static async Task<string?> PostAsync(HttpClient http, int i)
    {
        var prompt = new JsonObject
        {
            ["1"] = new JsonObject { ["class_type"] = "PrimitiveInt", ["inputs"] = new JsonObject { ["value"] = i } },
            ["2"] = new JsonObject { ["class_type"] = "IntArithmetic", ["inputs"] = new JsonObject { ["a"] = new JsonArray("1", 0), ["b"] = 1, ["operation"] = "add" } },
            ["3"] = new JsonObject { ["class_type"] = "SaveText", ["inputs"] = new JsonObject { ["value"] = new JsonArray("2", 0), ["filename_prefix"] = "bench" } },
        };
        var body = new JsonObject { ["prompt"] = prompt, ["client_id"] = $"bench-{i % 20}" };
        using var response = await http.PostAsync("/prompt", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return response.IsSuccessStatusCode ? (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["prompt_id"] : null;
    }

    /// <summary>Waits until every prompt has a successful history entry or the deadline passes; how many have.</summary>
    private static async Task<int> WaitForAsync(HttpClient http, IReadOnlyCollection<string?> promptIds, DateTime deadline)
    {
        while (true)
        {
            var history = JsonNode.Parse(await http.GetStringAsync("/history"))!.AsObject();
            var done = promptIds.Count(id => id is not null && (string?)history[id]?["status"]?["status_str"] == "success");
            if (done == promptIds.Count || DateTime.UtcNow >= deadline)
                return done;
            await Task.Delay(100);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string Describe(Report r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Accepted}/{r.Submitted} accepted from {r.Clients} clients at {r.AcceptedPerSecond:F0}/s, POST /prompt p50 {r.P50AcceptMs:F1} ms, " +
        $"p99 {r.P99AcceptMs:F1} ms (target < 50), max {r.MaxAcceptMs:F1} ms; {r.Completed} completed at {r.CompletedPerSecond:F0}/s; {r.Lost} lost (target 0)");
}
