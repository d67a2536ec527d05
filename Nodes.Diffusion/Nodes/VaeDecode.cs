using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Decodes latents into images (ComfyUI's VAEDecode: samples, vae), mapping [-1, 1] to [0, 1] as diffusers' image and
/// video processors do. With the LTX-2 video VAE the latent is a video [B, C, T, h, w] and the frames come out as one
/// IMAGE batch of B · F pictures, each video's frames in order (ComfyUI's reshape of 5-D decodes).
/// </summary>
[Node("VAEDecode", DisplayName = "VAE Decode", Category = "latent",
      Description = "Decodes latent images back into pixel space images.")]
public sealed class VaeDecode : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The latent to be decoded.")] Latent samples,
        [Input(Tooltip = "The VAE model used for decoding the latent.")] VaeModel vae)
    {
        using var scope = torch.NewDisposeScope();
        var frames = vae switch
        {
            ImageVae image => DecodeImages(samples, image),
            VideoVae video => DecodeVideo(samples, video),
            _ => throw new NotSupportedException($"VAE kind {vae.GetType().Name} is not supported."),
        };
        return new ImageBatch(frames.DetachFromDisposeScope());
    }

    private static Tensor DecodeImages(Latent samples, ImageVae vae)
    {
        LatentShape.Require(samples, "samples", rank: 4, vae.Autoencoder.Config.LatentChannels, vae);
        using var decoded = vae.Decode(samples.Samples);
        return VaePixels.ToImage(decoded, channelDim: 1);
    }

    private static Tensor DecodeVideo(Latent samples, VideoVae vae)
    {
        LatentShape.Require(samples, "samples", rank: 5, vae.LatentChannels, vae);
        using var decoded = vae.DecodeLatents(samples.Samples);
        var video = VaePixels.ToImage(decoded, channelDim: 1);   // [B, F, H, W, 3]
        return video.flatten(0, 1);
    }
}
