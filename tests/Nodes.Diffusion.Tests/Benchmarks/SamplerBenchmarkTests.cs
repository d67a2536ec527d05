using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Nodes.Diffusion.Tests.Pipelines;
using Workflow.NodeSdk;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Benchmarks;

/// <summary>The sampler benchmark's report has the promised figures (no timing is asserted).</summary>
public sealed class SamplerBenchmarkTests : IDisposable
{
    private readonly TemporaryBase _base = new("bench-sampler-test-");

    public void Dispose() => _base.Dispose();

    [GoldenFact(Sd15Fixture.Name)]
    public void Report_has_unet_step_total_and_peak_rss()
    {
        var paths = _base.Paths;
        Sd15Models.Install(paths.Models, Sd15Models.Folder);
        var values = new Dictionary<string, string?> { ["steps"] = "2", ["rounds"] = "1", ["python"] = "" };

        var report = new SamplerBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        Assert.Equal("sd15-tiny", (string)report["model"]!);
        Assert.All(["unet_step_s", "total_s", "peak_rss_mb"], key => Assert.True((double)report[key]! > 0, key));
        Assert.Null(report["reference"]);
    }

    /// <summary>
    /// The host's --precision bf16 on the CPU: the UNet runs in bfloat16 on both sides (ours converts the model, the reference calls
    /// unet.to(dtype)) and the report says so. Both do the same bfloat16 operations on the same libtorch, so the outputs
    /// agree far inside one bfloat16 step (2^-8 relative; measured 0 here).
    /// </summary>
    [PyTorchFact]
    public void A_bf16_run_reports_its_precision_and_the_reference_runs_in_bf16_too()
    {
        var values = new Dictionary<string, string?>
        {
            ["random-sd15"] = "true", ["tiny"] = "true", ["steps"] = "1", ["rounds"] = "1", ["python"] = ReferencePython.Executable,
        };

        var report = new SamplerBenchmark().Run(new BenchmarkRun(values, _base.Paths, _ => { }, CancellationToken.None) { Precision = Torch.ScalarType.BFloat16 });

        Assert.Equal("bf16", (string)report["precision"]!);
        Assert.Null(report["peak_vram_mb"]);   // the CPU has no device peak
        var reference = report["reference"]!;
        Assert.True(reference["error"] is null, reference.ToJsonString());
        Assert.Equal("bf16", (string)reference["precision"]!);
        Assert.InRange((double)reference["max_abs_diff_unet"]!, 0, 1e-2);
        Assert.InRange((double)reference["max_abs_diff_latents"]!, 0, 1e-2);
    }

    /// <summary>The SD3 mode on sd3-tiny against the PyTorch reference: the report's figures, and the reference computing the same velocity.</summary>
    [GoldenPyTorchFact(Sd3.Sd3Fixture.Name)]
    public void Sd3_step_report_has_the_figures_and_the_reference_agrees()
    {
        var paths = _base.Paths;
        var name = Sd3.Sd3Models.Install(paths.Models, Sd3.Sd3Models.Folder);
        var values = new Dictionary<string, string?> { ["checkpoint"] = name, ["rounds"] = "1", ["python"] = ReferencePython.Executable };

        var report = new SamplerBenchmark().Run(new BenchmarkRun(values, paths, _ => { }, CancellationToken.None));

        Assert.Equal(name, (string)report["model"]!);
        Assert.All(["transformer_step_s", "peak_rss_mb"], key => Assert.True((double)report[key]! > 0, key));
        var reference = report["reference"]!;
        Assert.True(reference["error"] is null, reference.ToJsonString());
        Assert.All(["step_s", "ratio_transformer_step", "peak_rss_mb"], key => Assert.True((double)reference[key]! > 0, key));
        // The fixture's own bound for the transformer's velocity: what float32 arithmetic may differ by.
        using var golden = Sd3.Sd3Fixture.Tensors("transformer/transformer.safetensors");
        Assert.True((double)reference["max_abs_diff"]! <= golden.Tolerance("call0.output"), reference.ToJsonString());
    }
}
