using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>A learned upscale, finished or interrupted, leaves no tensor behind but the latent it returns.</summary>
[Collection(LiveMemory.Name)]
public sealed class LatentUpscaleMemoryTests
{
    [GoldenFact(MultiviewFixture.Name)]
    public void Memory_returns_to_where_it_was_after_a_run_and_after_an_interrupted_one()
    {
        var run = LatentUpscalerFixture.Run((string)LatentUpscalerFixture.Manifest["runs"]![0]!["name"]!);
        using var folder = new TemporaryBase("latent-upscale-memory-");
        var paths = folder.Paths;
        using var golden = LatentUpscalerFixture.Tensors();
        using var model = LatentUpscalerFixture.LoadModel();
        using var samples = new Latent(golden.Load($"{run.Name}.low_res_latents"));
        var before = LiveBytes();

        using (new LatentUpscale().Execute(new TestNodeContext(paths), samples, upscaleModel: model, positive: run.Prompt, steps: run.Steps, guidance: run.Guidance))
            Assert.True(LiveBytes() > before);
        Assert.Equal(before, LiveBytes());

        using var interrupted = new InterruptingContext(paths, afterSteps: 2);
        Assert.Throws<OperationCanceledException>(() => new LatentUpscale().Execute(interrupted, samples, upscaleModel: model, steps: run.Steps, guidance: run.Guidance));
        Assert.Equal(before, LiveBytes());
    }

    private static long LiveBytes() => LiveMemory.Bytes();
}
