using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// What every sampler node does around its loop, as ComfyUI's common_ksampler: the LATENT moved into the model's space
/// ((x − shift)·scale, an empty latent widened to its channels) with the seed's noise, and the result moved back.
/// </summary>
public static class SamplerLatents
{
    /// <summary>The starting latent and noise (drawn from <paramref name="generator"/> per batch index), both on the model's device.</summary>
    public static (Tensor Scaled, Tensor Noise) Prepare(DiffusionModel model, Latent latent, Generator generator)
    {
        var samples = FitChannels(model, latent);
        var noise = SeededNoise.Draw(generator, samples.shape, latent.BatchIndex).to(model.Device);
        return (ToModelSpace(model, samples), noise);
    }

    /// <summary>fix_empty_latent_channels: the latent on the model's device, an empty one widened to the model's channels.</summary>
    public static Tensor FitChannels(DiffusionModel model, Latent latent) =>
        LatentChannels.Fit(latent.Samples, model.LatentFormat.Channels).to(model.Device);

    /// <summary>process_latent_in: (x − shift)·scale.</summary>
    public static Tensor ToModelSpace(DiffusionModel model, Tensor samples) =>
        (samples - model.LatentFormat.ShiftFactor) * model.LatentFormat.ScaleFactor;

    /// <summary>The sampled <paramref name="latents"/> as a LATENT in the VAE's space, on the CPU, with <paramref name="source"/>'s mask and batch indices.</summary>
    public static Latent Result(DiffusionModel model, Tensor latents, Latent source)
    {
        var format = model.LatentFormat;
        var unscaled = (latents / format.ScaleFactor + format.ShiftFactor).cpu();
        return new Latent(unscaled.DetachFromDisposeScope(), source.NoiseMask?.clone().DetachFromDisposeScope(), source.BatchIndex);
    }
}
