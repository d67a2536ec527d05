using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>The refiner benchmark reports one case per video length with its blocks, seconds per block and peak RSS (no timing is asserted).</summary>
public sealed class ArRefineBenchmarkTests
{
    [Fact]
    public void Report_has_a_case_per_length_with_blocks_seconds_and_peak_rss()
    {
        var values = new Dictionary<string, string?>
        {
            ["frames"] = "5,8", ["layers"] = "1", ["heads"] = "2", ["head-dim"] = "6", ["height"] = "2", ["width"] = "3", ["prompt-tokens"] = "4",
            ["block-size"] = "3", ["kv-max-frames"] = "4",
        };

        // The benchmark reads no files: its model has random weights.
        var report = new ArRefineBenchmark().Run(new BenchmarkRun(values, new NodePaths("", "", "", ""), _ => { }, CancellationToken.None));

        var cases = report["cases"]!.AsArray();
        Assert.Equal([(5L, 2), (8L, 3)], cases.Select(c => ((long)c!["frames"]!, (int)c["blocks"]!)));
        Assert.All(cases, c => Assert.True((double)c!["s_per_block"]! > 0 && (double)c["peak_rss_mb"]! > 0, c!.ToJsonString()));
    }
}
