using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>The load benchmark writes, loads and reads each dtype's file into each weight dtype, and reports the figures the issue names (none is asserted).</summary>
public sealed class LoadBenchmarkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bench-load-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Report_has_a_case_per_file_and_weight_dtype_with_cold_warm_and_read_figures()
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var values = new Dictionary<string, string?> { ["preset"] = "sd15_tiny", ["cases"] = "fp16:fp16,fp32:fp32,fp16:fp32" };

        var report = new LoadBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        var cases = report["cases"]!.AsArray();
        Assert.Equal(["sd15_tiny_fp16", "sd15_tiny_fp16_as_fp32", "sd15_tiny_fp32"], cases.Select(c => (string)c!["name"]!));
        Assert.Equal(["torch.float16", "torch.float32", "torch.float32"], cases.Select(c => (string)c!["weights"]!));
        Assert.Equal((long)cases[0]!["bytes"]!, (long)cases[1]!["bytes"]!);
        Assert.True((long)cases[2]!["bytes"]! > (long)cases[0]!["bytes"]!, "the float32 file is the larger");
        Assert.Equal((double)cases[1]!["tensor_mb"]!, (double)cases[2]!["tensor_mb"]!);
        // float16 weights take half the bytes, except the VAE's, kept in float32 (its config's force_upcast).
        Assert.InRange((double)cases[0]!["tensor_mb"]!, 0.45 * (double)cases[1]!["tensor_mb"]!, 0.95 * (double)cases[1]!["tensor_mb"]!);
        foreach (var figures in cases)
        {
            Assert.All(["cold_s", "warm_s", "read_s", "ratio_warm", "first_touch_s", "peak_rss_mb", "tensor_mb"], key => Assert.True((double)figures![key]! > 0, key));
            Assert.Equal((double)figures!["warm_s"]! / (double)figures["read_s"]!, (double)figures["ratio_warm"]!, 1e-12);
            Assert.False(File.Exists((string)figures["file"]!), "the written file is deleted");
        }
    }

    [Fact]
    public void A_case_that_is_not_file_and_weight_dtypes_is_refused_before_anything_is_written()
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var values = new Dictionary<string, string?> { ["preset"] = "sd15_tiny", ["cases"] = "fp16:fp16,fp8:fp32" };
        var logged = new List<string>();

        var error = Assert.Throws<ArgumentException>(() => new LoadBenchmark().Run(new BenchmarkRun(values, paths, logged.Add, CancellationToken.None)));

        Assert.Equal("--cases: fp8 is not fp16, bf16 or fp32", error.Message);
        Assert.Empty(logged);
    }
}
