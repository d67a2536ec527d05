using Workflow.Nodes.Diffusion.Models.Vae;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// How a model's latents relate to the VAE's: the sampler works on (latent − shift) · scale and gives back
/// latent / scale + shift (ComfyUI latent_formats.py; diffusers' vae.config scaling_factor and shift_factor).
/// </summary>
public sealed record LatentFormat(int Channels, double ScaleFactor, double ShiftFactor = 0)
{
    /// <summary>SD1.x/SD2.x: 4 channels, scale 0.18215 (ComfyUI latent_formats.SD15).</summary>
    public static LatentFormat StableDiffusion1 { get; } = new(4, 0.18215);

    /// <summary>SD3 and SD3.5: 16 channels, scale 1.5305, shift 0.0609 (ComfyUI latent_formats.SD3).</summary>
    public static LatentFormat StableDiffusion3 { get; } = new(16, 1.5305, 0.0609);

    /// <summary>The format of <paramref name="vae"/>'s latents: its channels, scaling_factor and shift_factor (none: 0).</summary>
    public static LatentFormat Of(AutoencoderKLConfig vae) => new(vae.LatentChannels, vae.ScalingFactor, vae.ShiftFactor ?? 0);
}
