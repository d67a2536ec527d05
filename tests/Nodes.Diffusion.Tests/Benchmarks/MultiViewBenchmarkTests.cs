using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.NodeSdk;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>
/// The multi-view benchmark reports its figures, and its PyTorch reference (an eager port of MVDream's UNet drawing the
/// same random weights) computes what ours does (no timing is asserted).
/// </summary>
public sealed class MultiViewBenchmarkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bench-multiview-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [PyTorchFact]
    public void Report_has_step_times_peak_rss_and_a_reference_that_agrees()
    {
        var paths = new NodePaths(Path.Combine(_root, "models"), Path.Combine(_root, "input"), Path.Combine(_root, "output"), Path.Combine(_root, "temp"));
        var values = new Dictionary<string, string?> { ["tiny"] = "true", ["steps"] = "2", ["rounds"] = "1", ["latent"] = "8", ["python"] = ReferencePython.Executable };

        var report = new MultiViewBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        Assert.All(["unet_step_s", "sampling_step_s", "total_s", "peak_rss_mb"], key => Assert.True((double)report[key]! > 0, key));
        var reference = report["reference"]!;
        Assert.True(reference["error"] is null, $"the reference failed: {reference["error"]}");
        Assert.All(["ratio_unet_step", "ratio_sampling_step", "peak_rss_mb"], key => Assert.True((double)reference[key]! > 0, key));
        // The same weights, inputs and arithmetic on the same libtorch: float32 rounding apart at most.
        Assert.True((double)reference["max_abs_diff_unet"]! < 1e-4, $"max |ours − PyTorch| of the UNet output is {reference["max_abs_diff_unet"]}");
        Assert.True((double)reference["max_abs_diff_latents"]! < 1e-3, $"max |ours − PyTorch| of the latents is {reference["max_abs_diff_latents"]}");
    }
}
