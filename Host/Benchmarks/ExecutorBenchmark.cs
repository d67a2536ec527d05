using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Execution;
using Workflow.Host.Graph;
using Workflow.Host.Plugins;

namespace Workflow.Host.Benchmarks;

/// <summary>
/// The executor's own overhead: a chain of trivial nodes run once from an empty cache (per executed node) and
/// again unchanged (the fully cached re-run). Medians over several rounds, each on a fresh cache, after warm-up.
/// </summary>
public static class ExecutorBenchmark
{
    public sealed record Report(int Nodes, int Rounds, double ValidateMs, double FirstRunMs, double PerNodeUs, double CachedRerunMs)
    {
        public JsonObject ToJson() => new()
        {
            ["nodes"] = Nodes,
            ["rounds"] = Rounds,
            ["validate_ms"] = Math.Round(ValidateMs, 3),
            ["first_run_ms"] = Math.Round(FirstRunMs, 3),
            ["per_node_us"] = Math.Round(PerNodeUs, 3),
            ["cached_rerun_ms"] = Math.Round(CachedRerunMs, 3),
            ["targets"] = new JsonObject { ["per_node_us"] = 20, ["cached_rerun_ms"] = 5 },
        };
    }

    public static Report Run(int nodes, int rounds)
    {
        var graph = Chain(nodes);
        for (int i = 0; i < 3; i++)
            Measure(graph);   // warm-up: JIT and caches of the runtime
        var samples = Enumerable.Range(0, rounds).Select(_ => Measure(graph)).ToList();
        double Median(Func<(double V, double F, double C), double> pick) => samples.Select(pick).Order().ElementAt(samples.Count / 2);
        double firstRun = Median(s => s.F);
        return new Report(nodes, rounds, Median(s => s.V), firstRun, firstRun * 1000 / nodes, Median(s => s.C));
    }

    private static (double Validate, double First, double Cached) Measure(WorkflowGraph graph)
    {
        var options = new EngineOptions(EngineOptions.PathsUnder(Path.GetTempPath()), new PluginOptions([]), CacheBudget.Unbounded);
        var engine = WorkflowEngine.Create(options, NullLoggerFactory.Instance, typeof(ExecutorBenchmark).Assembly);
        var clock = Stopwatch.StartNew();
        var validation = engine.Validate(graph);
        var prompt = validation.Prompt ?? throw new InvalidOperationException($"benchmark chain failed validation: {validation.ToJson()}");
        double validate = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        var first = engine.Run(new RunRequest(prompt, "first", _ => { }));
        double firstMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var second = engine.Run(new RunRequest(prompt, "second", _ => { }));
        double cachedMs = clock.Elapsed.TotalMilliseconds;
        if (first.Executed.Count != graph.Nodes.Count || second.Executed.Count != 0)
            throw new InvalidOperationException($"expected {graph.Nodes.Count} executed then 0, got {first.Executed.Count} then {second.Executed.Count}");
        return (validate, firstMs, cachedMs);
    }

    /// <summary>BenchConstant → (n-2) × BenchIncrement → BenchSink.</summary>
    public static WorkflowGraph Chain(int nodes)
    {
        var json = new JsonObject { ["1"] = Node("BenchConstant", new JsonObject { ["value"] = 0 }) };
        for (int i = 2; i < nodes; i++)
            json[$"{i}"] = Node("BenchIncrement", new JsonObject { ["value"] = new JsonArray($"{i - 1}", 0) });
        json[$"{nodes}"] = Node("BenchSink", new JsonObject { ["value"] = new JsonArray($"{nodes - 1}", 0) });
        return WorkflowJson.FromJson(json).Graph!;
    }

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };
}
