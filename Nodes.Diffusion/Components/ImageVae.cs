using Workflow.Nodes.Diffusion.Models.Vae;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>Stable Diffusion's VAE: images ↔ latents [B, C, H/8, W/8] without the model's scaling factor.</summary>
public sealed class ImageVae(AutoencoderKL autoencoder) : VaeModel(autoencoder)
{
    public AutoencoderKL Autoencoder { get; } = autoencoder;

    public override string KindName => "an image VAE (Stable Diffusion's AutoencoderKL)";

    /// <summary>How the denoiser's latents relate to this VAE's (its scaling and shift factors).</summary>
    public LatentFormat LatentFormat => LatentFormat.Of(Autoencoder.Config);

    /// <summary>Pixels per latent cell along each side (8 for SD): 2^(number of down blocks − 1).</summary>
    public int DownscaleFactor => 1 << (Autoencoder.Config.BlockOutChannels.Length - 1);
}
