using Workflow.Nodes.Diffusion.Benchmarks;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>
/// SD3.5's options, which the sd3-tiny fixture (SD3-medium's shape) does not exercise: qk RMS-norm and dual attention
/// layers, each alone and together, on a small MM-DiT with seeded random weights, against sd3_reference.py (diffusers'
/// SD3Transformer2DModel where it is importable, else the eager port of v0.31's forward that bench sampler runs), drawing
/// the same weights from the same seed.
/// </summary>
public sealed class Sd35VariantTests : IDisposable
{
    /// <summary>A float32 forward of a few blocks at width 16 agrees to rounding; a misplaced norm or gate is off by O(1).</summary>
    private const double Tolerance = 1e-4;

    private readonly TemporaryBase _base = new("sd35-variant-");

    public void Dispose() => _base.Dispose();

    public static TheoryData<string?, int[]> Variants => new()
    {
        { "rms_norm", [] },
        { null, [0, 1] },
        { "rms_norm", [0, 1] },   // SD3.5-medium: both, dual attention in the first blocks
    };

    [PyTorchTheory]
    [MemberData(nameof(Variants))]
    public void Qk_norm_and_dual_attention_match_the_reference(string? qkNorm, int[] dualAttentionLayers)
    {
        var config = new Sd3TransformerConfig
        {
            SampleSize = 8, NumLayers = 3, AttentionHeadDim = 8, NumAttentionHeads = 2, JointAttentionDim = 32,
            CaptionProjectionDim = 16, PooledProjectionDim = 24, PosEmbedMaxSize = 12,
            QkNorm = qkNorm, DualAttentionLayers = dualAttentionLayers,
        }.Checked();
        var transformer = new SD3Transformer2DModel(config);
        using (var generator = new Generator(Sd3StepBenchmark.WeightsSeed))
            RandomWeights.Fill(transformer, generator);
        var values = new Dictionary<string, string?> { ["rounds"] = "1", ["latent"] = "16", ["python"] = ReferencePython.Executable };

        var report = Sd3StepBenchmark.Run(new BenchmarkRun(values, _base.Paths, _ => { }, CancellationToken.None), transformer, "sd3.5-variant", Sd3StepBenchmark.WeightsSeed);

        var reference = report["reference"]!;
        Assert.True(reference["error"] is null, reference.ToJsonString());
        Assert.True((double)reference["max_abs_diff"]! <= Tolerance, reference.ToJsonString());
    }
}
