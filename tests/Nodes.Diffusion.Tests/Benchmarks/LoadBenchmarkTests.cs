using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>The load benchmark writes, loads and reads each dtype's file, and reports the figures the issue names (none is asserted).</summary>
public sealed class LoadBenchmarkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bench-load-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Report_has_a_case_per_dtype_with_cold_warm_and_read_figures()
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var values = new Dictionary<string, string?> { ["preset"] = "sd15_tiny", ["dtypes"] = "fp16,fp32" };

        var report = new LoadBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        var cases = report["cases"]!.AsArray();
        Assert.Equal(["sd15_tiny_fp16", "sd15_tiny_fp32"], cases.Select(c => (string)c!["name"]!));
        Assert.True((long)cases[1]!["bytes"]! > (long)cases[0]!["bytes"]!, "the float32 file is the larger");
        foreach (var figures in cases)
        {
            Assert.All(["cold_s", "warm_s", "read_s", "ratio_warm", "peak_rss_mb", "tensor_mb"], key => Assert.True((double)figures![key]! > 0, key));
            Assert.Equal((double)figures!["warm_s"]! / (double)figures["read_s"]!, (double)figures["ratio_warm"]!, 1e-12);
            Assert.False(File.Exists((string)figures["file"]!), "the written file is deleted");
        }
    }
}
