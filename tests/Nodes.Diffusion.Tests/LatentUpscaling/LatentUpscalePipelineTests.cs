using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.LatentUpscaling;

/// <summary>
/// Every recorded StableDiffusionLatentUpscalePipeline run, step by step (the UNet's input, timestep and output, the
/// guided estimate, the latents after each Euler step), its final latents and the image our VAE decodes from them —
/// through the sampler, and through the LatentUpscaleModelLoader and LatentUpscale nodes.
/// </summary>
public sealed class LatentUpscalePipelineTests : IDisposable
{
    private readonly TemporaryBase _base = new("latent-upscale-");

    public void Dispose() => _base.Dispose();

    private static readonly string[] PerStep = ["unet_sample", "unet_timestep", "unet_out", "denoised", "latents"];

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(LatentUpscalerFixture.RunNames), MemberType = typeof(LatentUpscalerFixture))]
    public void Every_step_matches_the_pipeline(string name)
    {
        var run = LatentUpscalerFixture.Run(name);
        using var golden = LatentUpscalerFixture.Tensors();
        using var model = LatentUpscalerFixture.LoadModel();
        using var capture = new StepCapture();
        using var scope = torch.NewDisposeScope();
        var lowRes = golden.Load($"{name}.low_res_latents");
        using (var generator = SeededNoise.Generator(run.Seed))
            golden.AssertMatches($"{name}.noise", SeededNoise.Draw(generator, [lowRes.shape[0], lowRes.shape[1], 2 * lowRes.shape[2], 2 * lowRes.shape[3]]));
        using var positive = model.EncodePrompt(run.EffectivePrompt, NullLogger.Instance);
        using var negative = model.EncodePrompt(run.EffectiveNegativePrompt, NullLogger.Instance);
        var steps = new List<(int, int)>();

        using var latents = LatentUpscaleSampler.Sample(model, new LatentUpscaleRequest(lowRes, golden.Load($"{name}.noise"), positive, negative, run.Steps, run.Guidance),
            (step, total) => steps.Add((step, total)), capture);

        foreach (var tensor in PerStep)
        {
            Assert.Equal(run.Steps, capture.Count(tensor));
            golden.AssertMatches($"{name}.{tensor}", capture.Stacked(tensor));
        }
        golden.AssertMatches($"{name}.final_latents", latents);
        Assert.Equal(Enumerable.Range(1, run.Steps).Select(i => (i, run.Steps)), steps);
        AssertDecodedImage(golden, name, new Latent(latents / model.LatentFormat.ScaleFactor));
    }

    [GoldenTheory(MultiviewFixture.Name)]
    [MemberData(nameof(LatentUpscalerFixture.RunNames), MemberType = typeof(LatentUpscalerFixture))]
    public void LatentUpscale_node_with_the_loaded_model_reproduces_the_run(string name)
    {
        var run = LatentUpscalerFixture.Run(name);
        var context = new TestNodeContext(_base.Paths);
        using var golden = LatentUpscalerFixture.Tensors();
        using var model = new LatentUpscaleModelLoader().Execute(context, Install(context.Paths));
        using var scope = torch.NewDisposeScope();
        // LATENT carries the VAE's latents; the pipeline's input is ×scale.
        using var samples = new Latent(golden.Load($"{name}.low_res_latents") / model.LatentFormat.ScaleFactor);

        using var upscaled = new LatentUpscale().Execute(context, samples, width: 0, height: 0, upscaleModel: model,
            positive: run.Prompt, seed: run.Seed, steps: run.Steps, guidance: run.Guidance);

        golden.AssertMatches($"{name}.final_latents", upscaled.Samples * model.LatentFormat.ScaleFactor);
        Assert.Equal(Enumerable.Range(1, run.Steps).Select(i => ((long)i, (long)run.Steps)), context.Progress);
        AssertDecodedImage(golden, name, upscaled);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void Interrupting_stops_the_upscale_at_the_next_step()
    {
        var run = LatentUpscalerFixture.Run((string)LatentUpscalerFixture.Manifest["runs"]![0]!["name"]!);
        using var context = new InterruptingContext(_base.Paths, afterSteps: 2);
        using var golden = LatentUpscalerFixture.Tensors();
        using var model = LatentUpscalerFixture.LoadModel();
        using var samples = new Latent(golden.Load($"{run.Name}.low_res_latents"));

        Assert.Throws<OperationCanceledException>(() => new LatentUpscale().Execute(context, samples, upscaleModel: model, steps: run.Steps));
        Assert.Equal(2, context.Steps);
    }

    [GoldenFact(MultiviewFixture.Name)]
    public void A_latent_the_upscaler_cannot_take_is_refused_naming_samples()
    {
        var context = new TestNodeContext(_base.Paths);
        using var model = LatentUpscalerFixture.LoadModel();
        using var sixteenChannels = new Latent(torch.zeros([1, 16, 8, 8]));
        using var oddSize = new Latent(torch.zeros([1, 4, 6, 8]));

        var channels = Assert.Throws<InputException>(() => new LatentUpscale().Execute(context, sixteenChannels, upscaleModel: model));
        var size = Assert.Throws<InputException>(() => new LatentUpscale().Execute(context, oddSize, upscaleModel: model));

        Assert.Equal(("samples", "samples"), (channels.InputName, size.InputName));
        Assert.Contains("4-channel latents", channels.Message);
        Assert.Contains("multiples of 4", size.Message);
    }

    /// <summary>Links the fixture's pipeline folder into models/latent_upscale_models/ and returns its model_name.</summary>
    private static string Install(NodePaths paths)
    {
        var folder = Directory.CreateDirectory(paths.ModelFolder("latent_upscale_models")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(folder, "sd-x2-latent-upscaler-tiny"), LatentUpscalerFixture.PipelineFolder);
        return "sd-x2-latent-upscaler-tiny";
    }

    /// <summary>vae.decode(final_latents / scale) → (x/2 + 0.5).clamp(0, 1), NHWC: what VAEDecode gives for the LATENT.</summary>
    private static void AssertDecodedImage(GoldenTensors golden, string name, Latent latent)
    {
        using var vae = new ImageVae(new DiffusersFolder(LatentUpscalerFixture.PipelineFolder).LoadVae());
        using var image = new VaeDecode().Execute(latent, vae);
        golden.AssertMatches($"{name}.image", image.Pixels);
    }
}
