using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Torch;

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

    /// <summary>float32 where float16 would overflow (the config's force_upcast, as diffusers' pipelines upcast the VAE); bfloat16's range is float32's.</summary>
    protected override ScalarType ComputeDtype(ScalarType requested) =>
        requested == ScalarType.Float16 && Autoencoder.Config.ForceUpcast ? ScalarType.Float32 : requested;

    /// <summary>Latents [B, C, h, w] (without the scaling factor) → images in about [-1, 1], float32 on the CPU, owned by the caller.</summary>
    public Tensor Decode(Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        return ModelTensors.ToHost(Autoencoder.Decode(ModelTensors.ToModel(latents, Device, Dtype)));
    }

    /// <summary>Images [B, 3, H, W] in [-1, 1] → the latent distribution's mean (without the scaling factor), float32 on the CPU, owned by the caller.</summary>
    public Tensor EncodeMean(Tensor images)
    {
        using var distribution = Autoencoder.Encode(ModelTensors.ToModel(images, Device, Dtype).contiguous());
        return ModelTensors.ToHost(distribution.Mean);
    }
}
