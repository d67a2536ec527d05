using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Encodes images into latents (ComfyUI's VAEEncode: pixels, vae). Sizes not divisible by the VAE's factor are
/// centre-cropped to it, as ComfyUI does. With Stable Diffusion's VAE: the latent distribution's mean, without the
/// scaling factor, [N, C, H/8, W/8]. With the LTX-2 video VAE the batch is one video of 1 + 8k frames (ComfyUI's
/// reading of an IMAGE batch for a video VAE): the normalised mode, [1, C, 1 + k, H/32, W/32].
/// </summary>
[Node("VAEEncode", DisplayName = "VAE Encode", Category = "latent", Description = "Encodes images into latents.")]
public sealed class VaeEncode : INode
{
    public Latent Execute(ImageBatch pixels, VaeModel vae)
    {
        using var scope = torch.NewDisposeScope();
        var latents = vae switch
        {
            ImageVae image => EncodeImages(pixels, image),
            VideoVae video => EncodeVideo(pixels, video),
            _ => throw new NotSupportedException($"VAE kind {vae.GetType().Name} is not supported."),
        };
        return new Latent(latents.DetachFromDisposeScope());
    }

    /// <summary>SD VAE encoding of <paramref name="pixels"/> (centre-cropped to the factor), on the CPU; shared with VAEEncodeForInpaint.</summary>
    internal static Tensor EncodeImages(ImageBatch pixels, ImageVae vae)
    {
        var images = VaePixels.ToModelInput(pixels, vae.DownscaleFactor, "pixels");
        return vae.EncodeMean(images);
    }

    private static Tensor EncodeVideo(ImageBatch pixels, VideoVae vae)
    {
        long frames = pixels.Count;
        if ((frames - 1) % vae.TemporalCompression != 0)
            throw new InputException("pixels", $"{frames} frames",
                $"{vae.KindName} encodes 1 + {vae.TemporalCompression}k frames (1, {1 + vae.TemporalCompression}, {1 + 2 * vae.TemporalCompression}, ...)");
        var frameBatch = VaePixels.ToModelInput(pixels, vae.SpatialCompression, "pixels");   // [F, 3, H, W]
        return vae.EncodeVideo(frameBatch.permute(1, 0, 2, 3).unsqueeze(0).contiguous());
    }
}
