using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// Encodes images into latents (ComfyUI's VAEEncode: pixels, vae): the mean of the latent distribution, without the
/// scaling factor. Sizes not divisible by the VAE's factor are centre-cropped to it, as ComfyUI does.
/// </summary>
[Node("VAEEncode", DisplayName = "VAE Encode", Category = "latent", Description = "Encodes images into latents.")]
public sealed class VaeEncode : INode
{
    public Latent Execute(ImageBatch pixels, VaeModel vae)
    {
        using var scope = torch.NewDisposeScope();
        int factor = vae.DownscaleFactor;
        long height = pixels.Height / factor * factor, width = pixels.Width / factor * factor;
        if (height == 0 || width == 0)
            throw new InputException("pixels", $"{pixels.Width}x{pixels.Height}", $"an image must be at least {factor}x{factor} pixels to encode");
        var cropped = pixels.Pixels
            .narrow(1, (pixels.Height - height) / 2, height)
            .narrow(2, (pixels.Width - width) / 2, width)
            .slice(3, 0, 3);
        var images = cropped.permute(0, 3, 1, 2) * 2.0 - 1.0;   // VaeImageProcessor.normalize
        using var distribution = vae.Autoencoder.Encode(images.to(vae.Device).contiguous());
        return new Latent(distribution.Mean.to(Device.CPU, distribution.Mean.dtype, copy: true).DetachFromDisposeScope());
    }
}
