using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Models.Ltx2Vae;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>
/// LTX-2's video VAE as SANA-WM uses it: tiled as SanaWMPipeline sets it up (<see cref="Ltx2VaeTiling.SanaWm"/>), and
/// latents normalised ((z − latents_mean) · scaling_factor / latents_std), which is what LATENT carries for video,
/// as ComfyUI's LTX-Video VAE normalises inside the model. A timestep-conditioned decoder decodes as LTX2Pipeline
/// does with <paramref name="decodeTimestep"/> (its defaults, timestep 0 and no noise, unless given), the noise drawn
/// from a CPU generator seeded with <paramref name="decodeNoiseSeed"/>.
/// </summary>
public sealed class VideoVae(AutoencoderKLLTX2Video autoencoder, Ltx2DecodeTimestep? decodeTimestep = null, long decodeNoiseSeed = 0)
    : VaeModel(autoencoder)
{
    public AutoencoderKLLTX2Video Autoencoder { get; } = autoencoder;

    public Ltx2VaeTiling Tiling { get; } = Ltx2VaeTiling.SanaWm;

    public Ltx2DecodeTimestep DecodeTimestep { get; } = decodeTimestep ?? new();

    public override string KindName => "the LTX-2 video VAE";

    public int SpatialCompression => Autoencoder.SpatialCompressionRatio;

    public int TemporalCompression => Autoencoder.TemporalCompressionRatio;

    public int LatentChannels => Autoencoder.Config.LatentChannels;

    /// <summary>Videos [B, 3, 1 + 8k, H, W] in [-1, 1] → normalised latents [B, L, 1 + k, H/32, W/32]: the posterior's mode, normalised; float32 on the CPU, owned by the caller.</summary>
    public Tensor EncodeVideo(Tensor video)
    {
        using var scope = torch.NewDisposeScope();
        using var posterior = Autoencoder.Encode(ModelTensors.ToModel(video, Device, Dtype), Tiling);
        return ModelTensors.ToHost(Autoencoder.NormalizeLatents(posterior.Mean));
    }

    /// <summary>Normalised latents [B, L, T, h, w] → videos [B, 3, 1 + 8(T − 1), 32h, 32w] in about [-1, 1] (SanaWMPipeline._decode_latents); float32 on the CPU, owned by the caller.</summary>
    public Tensor DecodeLatents(Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        var z = ModelTensors.ToModel(latents, Device, Dtype);
        Tensor? temb = null;
        if (Autoencoder.Config.TimestepConditioning)
        {
            // With a noise scale of 0 the pipeline's mix (1 − s)·z + s·ε is z itself, whatever it drew.
            if (DecodeTimestep.NoiseScale != 0)
            {
                using var generator = new Generator(decodeNoiseSeed);
                z = DecodeTimestep.Mix(z, RandnTensor.Like(z, generator));
            }
            temb = DecodeTimestep.Timestep(z.shape[0], z.device);
        }
        var video = Autoencoder.Decode(Autoencoder.DenormalizeLatents(z), temb, Tiling);
        return ModelTensors.ToHost(video);
    }
}
