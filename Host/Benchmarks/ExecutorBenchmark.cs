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
/// again unchanged (the fully cached re-run); and a list of as many elements through three nodes (a list output, a
/// node run once per element, an output node run once per element). Medians over several rounds, each on a fresh
/// cache, after warm-up.
/// </summary>
public static class ExecutorBenchmark
{
    public sealed record Report(int Nodes, int Rounds, Sample Chain, Sample List)
    {
        public JsonObject ToJson() => new()
        {
            ["nodes"] = Nodes,
            ["rounds"] = Rounds,
            ["validate_ms"] = Math.Round(Chain.ValidateMs, 3),
            ["first_run_ms"] = Math.Round(Chain.FirstMs, 3),
            ["per_node_us"] = Math.Round(Chain.FirstMs * 1000 / Nodes, 3),
            ["cached_rerun_ms"] = Math.Round(Chain.CachedMs, 3),
            ["list_elements"] = Nodes,
            ["list_run_ms"] = Math.Round(List.FirstMs, 3),
            ["list_per_element_us"] = Math.Round(List.FirstMs * 1000 / Nodes, 3),
            ["list_cached_rerun_ms"] = Math.Round(List.CachedMs, 3),
            ["targets"] = new JsonObject { ["per_node_us"] = 20, ["cached_rerun_ms"] = 5 },
        };
    }

    /// <summary>Milliseconds to validate, to run from an empty cache, and to run again unchanged.</summary>
    public sealed record Sample(double ValidateMs, double FirstMs, double CachedMs);

    public static Report Run(int nodes, int rounds) => new(nodes, rounds, Median(Chain(nodes), nodes, rounds), Median(List(nodes), 3, rounds));

    private static Sample Median(WorkflowGraph graph, int executed, int rounds)
    {
        for (int i = 0; i < 3; i++)
            Measure(graph, executed);   // warm-up: JIT and caches of the runtime
        var samples = Enumerable.Range(0, rounds).Select(_ => Measure(graph, executed)).ToList();
        double Of(Func<Sample, double> pick) => samples.Select(pick).Order().ElementAt(samples.Count / 2);
        return new Sample(Of(s => s.ValidateMs), Of(s => s.FirstMs), Of(s => s.CachedMs));
    }

    private static Sample Measure(WorkflowGraph graph, int expectedExecuted)
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
        if (first.Executed.Count != expectedExecuted || second.Executed.Count != 0)
            throw new InvalidOperationException($"expected {expectedExecuted} executed then 0, got {first.Executed.Count} then {second.Executed.Count}");
        return new Sample(validate, firstMs, cachedMs);
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

    /// <summary>BenchRange (a list of <paramref name="elements"/>) → BenchIncrement (once per element) → BenchSink (once per element).</summary>
    public static WorkflowGraph List(int elements) => WorkflowJson.FromJson(new JsonObject
    {
        ["1"] = Node("BenchRange", new JsonObject { ["count"] = elements }),
        ["2"] = Node("BenchIncrement", new JsonObject { ["value"] = new JsonArray("1", 0) }),
        ["3"] = Node("BenchSink", new JsonObject { ["value"] = new JsonArray("2", 0) }),
    }).Graph!;

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };
}
