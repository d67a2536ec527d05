using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.NodeSdk;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>The sampler benchmark's report has the promised figures (no timing is asserted).</summary>
public sealed class SamplerBenchmarkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bench-sampler-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [GoldenFact(Sd15Fixture.Name)]
    public void Report_has_unet_step_total_and_peak_rss()
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        Sd15Models.Install(paths.Models, Sd15Models.Folder);
        var values = new Dictionary<string, string?> { ["steps"] = "2", ["rounds"] = "1", ["python"] = "" };

        var report = new SamplerBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        Assert.Equal("sd15-tiny", (string)report["model"]!);
        Assert.All(["unet_step_s", "total_s", "peak_rss_mb"], key => Assert.True((double)report[key]! > 0, key));
        Assert.Null(report["reference"]);
    }
}
